import { z } from "zod";
import { buildModel } from "../../measurement/model.ts";
import { CONSTRUCTS } from "../../paper/constructs.ts";
import { ITEMS } from "../../paper/items.ts";
import { hasLatentVariables, measurementSpecFromSyntax } from "../../syntax/toMeasurement.ts";
import { structureFromSyntax } from "../../syntax/toSpec.ts";

/** Built-in latent-variable models over the survey's items (src/analysis/latent.ts). */
const LATENT_BUILTINS = ["paper-cfa", "paper-sem"];

/** Is the model a latent-variable model (a built-in one, or syntax with `=~`)? Cached by text:
 * every replication asks. */
const latentByText = new Map<string, boolean>();
export function isLatentAnalysis(a: { model: string }): boolean {
  let v = latentByText.get(a.model);
  if (v === undefined) {
    v = LATENT_BUILTINS.includes(a.model) || hasLatentVariables(a.model);
    if (latentByText.size >= 64) latentByText.clear();
    latentByText.set(a.model, v);
  }
  return v;
}

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
        'The model fitted: "published" (Table 2), "table1" (plus direct IEO/IMO -> PERF paths) or lavaan model syntax over IEO, IMO, GTC, UPD, QF, LFDC, PERF (composites); or a latent-variable model on the survey\'s items (needs survey.level "items"): "paper-cfa" (the paper\'s CFA, Appendix), "paper-sem" (that CFA with the published structural model) or lavaan syntax with =~ over item ids (IEO1, ...)',
    }),
    estimator: z.enum(["ML", "MLR", "WLSMV"]).default("ML").meta({
      description:
        "ML: normal-theory SEs and chi-square; MLR: sandwich SEs and the Yuan-Bentler scaled chi-square (needs raw data: an item-level survey or a population draw; composite or latent models, items as continuous); WLSMV: latent models on ordinal items (polychorics, DWLS, robust SEs, scaled-shifted chi-square)",
    }),
    ordered: z
      .union([z.literal(true), z.array(z.string()).min(1).max(200)])
      .optional()
      .meta({
        description:
          "WLSMV only: the items treated as ordinal, true (all, the default) or a list naming every item of the model",
      }),
    discriminant: z.boolean().optional().meta({
      description:
        'Latent CFA with ML: run the 21 chi-square-difference tests of discriminant validity per replication (default: true for "paper-cfa", false otherwise; the 21 refits take about 0.5 s per replication)',
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
        'Missing composites (survey.itemNonresponse): "listwise" (the default) drops incomplete respondents; "fiml" is full-information ML, lavaan\'s missing = "ml" (with estimator MLR: sandwich SEs and the scaled test, as lavaan\'s missing = "ml", estimator = "MLR")',
    }),
  })
  .superRefine((a, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [path], message });
    if (a.missing === "fiml" && a.bootstrap)
      issue(
        "bootstrap",
        'the bootstrap resamples complete rows: use it with missing "listwise" (the default), not "fiml"',
      );
    if (isLatentAnalysis(a)) {
      if (a.estimator === "MLR" && a.discriminant)
        issue(
          "discriminant",
          "the discriminant tests are ML chi-square differences; with MLR they need a scaled difference test, not here yet: use estimator ML for them",
        );
      if (a.ordered !== undefined && a.estimator !== "WLSMV")
        issue("ordered", "ordered items need estimator WLSMV");
      if (a.bootstrap)
        issue("bootstrap", "the bootstrap is for composite path models; not for latent models yet");
      if (a.missing !== undefined)
        issue("missing", "is for composite path models; latent models need complete item answers");
      if (LATENT_BUILTINS.includes(a.model)) return;
      const s = measurementSpecFromSyntax(
        a.model,
        ITEMS.map((i) => i.id),
        "the survey's items",
      );
      if (!s.ok) return issue("model", s.error);
      const b = buildModel(s.spec);
      if (!b.ok) return issue("model", b.message);
      if (Array.isArray(a.ordered)) {
        const bad = a.ordered.find((x) => !b.model.observed.includes(x));
        if (bad) issue("ordered", `${bad} is not an item of the model`);
      }
      if (a.discriminant && b.model.hasRegressions)
        issue("discriminant", "discriminant-validity tests are for CFA models (no regressions)");
      return;
    }
    for (const f of ["ordered", "discriminant"] as const)
      if (a[f] !== undefined) issue(f, "is for latent models (=~ over the survey's items) only");
    if (a.estimator === "WLSMV")
      issue(
        "estimator",
        'WLSMV is for latent models on the survey\'s items ("paper-cfa", "paper-sem" or syntax with =~)',
      );
    if (a.model === "published" || a.model === "table1") return;
    const s = structureFromSyntax(a.model, CONSTRUCTS);
    if (!s.ok) issue("model", s.error);
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
      "Analysis models fitted to every replication beside the generating model: [{ name, model, estimator, missing?, bootstrap?, ordered?, discriminant? }]",
  });

export type AnalysisModelConfig = z.output<typeof AnalysisModelSchema>;
export type AnalysisEstimator = AnalysisModelConfig["estimator"];
