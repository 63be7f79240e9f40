import { z } from "zod";
import { CONSTRUCTS } from "../../paper/constructs.ts";
import { structureFromSyntax } from "../../syntax/toSpec.ts";

/** Names an analysis model may not take: they are the other key families of a result. */
export const RESERVED_ANALYSIS_NAMES = ["fit", "outcome", "generating", "n"] as const;

/**
 * Bounds of an analysis model's bootstrap resamples per replication: a power run of 1,000
 * replications at R = 2,000 is already 2 million refits per analysis model.
 */
export const BOOTSTRAP_R = { min: 10, max: 2000 } as const;

/** One analysis model: fitted to every replication's observed data, beside the generating model. */
export const AnalysisModelSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,31}$/, {
        message:
          "must start with a lower-case letter and have only a-z, 0-9 and _ (at most 32 characters); it prefixes the model's columns",
      })
      .refine((s) => !(RESERVED_ANALYSIS_NAMES as readonly string[]).includes(s), {
        message: `is reserved (${RESERVED_ANALYSIS_NAMES.join(", ")})`,
      })
      .meta({ description: 'Name of the analysis model: its columns are "<name>.<path>.est", …' }),
    model: z.string().min(1).max(20_000).default("published").meta({
      description:
        'The model fitted: "published" (Table 2), "table1" (plus direct IEO/IMO -> PERF paths) or lavaan model syntax over IEO, IMO, GTC, UPD, QF, LFDC, PERF',
    }),
    estimator: z.enum(["ML", "MLR"]).default("ML").meta({
      description:
        "ML: normal-theory SEs and chi-square; MLR: sandwich SEs and the Yuan-Bentler scaled chi-square (needs raw data: an item-level survey or a population draw)",
    }),
    bootstrap: z
      .strictObject({
        R: z
          .number()
          .int()
          .min(BOOTSTRAP_R.min)
          .max(BOOTSTRAP_R.max)
          .meta({
            description: `Resamples per replication (${BOOTSTRAP_R.min} to ${BOOTSTRAP_R.max}): each is one more fit of the model, BCa adds n leave-one-out fits`,
          }),
        ci: z.enum(["perc", "bca"]).default("perc").meta({
          description:
            "perc: percentile interval; bca: bias-corrected and accelerated (Efron 1987)",
        }),
      })
      .optional()
      .meta({
        description:
          "Nonparametric bootstrap in every replication (needs raw data: an item-level survey or a population draw): 95% intervals of the standardized paths and defined parameters, whose coverage and power (interval excluding 0) power reports as boot_coverage and boot_power",
      }),
    missing: z.enum(["listwise", "fiml"]).optional().meta({
      description:
        'Missing composites (survey.itemNonresponse): "listwise" (the default) drops incomplete respondents; "fiml" is full-information ML, lavaan\'s missing = "ml" (estimator ML only)',
    }),
  })
  .superRefine((a, ctx) => {
    if (a.missing === "fiml" && a.estimator === "MLR")
      ctx.addIssue({
        code: "custom",
        path: ["missing"],
        message:
          '"fiml" is available with estimator ML only (MLR with FIML is not implemented yet)',
      });
    if (a.missing === "fiml" && a.bootstrap)
      ctx.addIssue({
        code: "custom",
        path: ["bootstrap"],
        message:
          'the bootstrap resamples complete rows: use it with missing "listwise" (the default), not "fiml"',
      });
    if (a.model === "published" || a.model === "table1") return;
    const s = structureFromSyntax(a.model, CONSTRUCTS);
    if (!s.ok) ctx.addIssue({ code: "custom", path: ["model"], message: s.error });
  });

/**
 * Analysis models separate from the generating model (absent: fit the generating model only,
 * today's behaviour). Every replication fits each of them to the same observed data.
 */
export const AnalysisSection = z
  .array(AnalysisModelSchema)
  .min(1)
  .max(8)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((a, i) => {
      if (seen.has(a.name))
        ctx.addIssue({ code: "custom", path: [i, "name"], message: `"${a.name}" is listed twice` });
      seen.add(a.name);
    });
  })
  .optional()
  .meta({
    description:
      "Analysis models fitted to every replication beside the generating model: [{ name, model, estimator, missing?, bootstrap? }]",
  });

export type AnalysisModelConfig = z.output<typeof AnalysisModelSchema>;
