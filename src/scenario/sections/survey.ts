import { z } from "zod";
import { CONSTRUCTS } from "../../paper/constructs.ts";
import { ITEMS } from "../../paper/items.ts";
import { SAMPLE } from "../../paper/sample.ts";
import { buildInstrument, DEFAULT_INSTRUMENT, SurveyConfigError } from "../../survey/instrument.ts";

/**
 * The virtual survey (docs/survey.md): the paper's questionnaire fielded to a sampling frame,
 * with non-response, item answers, composites and the non-response checks. Off by default:
 * a plain cross-section scenario estimates on the drawn population directly. Every field is
 * optional; the defaults are the paper's design (Method section, Appendix).
 */
const num = (d: number, min: number, max: number, description: string) =>
  z.number().min(min).max(max).default(d).meta({ description });

const itemIds = ITEMS.map((i) => i.id);

export const SurveySection = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .meta({ description: "Run the virtual survey and estimate on its composites" }),
    level: z.enum(["items", "composites"]).default("items").meta({
      description:
        "items: each respondent answers every item; composites: composites drawn directly as means of continuous items (faster, no item file; ignores `responses`)",
    }),
    responses: z.enum(["likert", "continuous"]).default("likert").meta({
      description: "likert: answers rounded to the 1-7 (1-10) scale points; continuous: unrounded",
    }),
    calibration: z.enum(["latent", "composites"]).default("latent").meta({
      description:
        "latent: the model describes the true constructs (measurement error attenuates the composites); composites: latent correlations solved so that the composites reproduce the model's correlations (Table 1 for model.base table1)",
    }),
    loadings: z.enum(["reported", "scaled"]).default(DEFAULT_INSTRUMENT.loadings).meta({
      description:
        "reported: the Appendix loadings; scaled: each construct's loadings scaled so that its CR equals targetReliability",
    }),
    targetReliability: z
      .union([z.number().gt(0).lt(1), z.literal("reported")])
      .default(DEFAULT_INSTRUMENT.targetReliability)
      .meta({
        description:
          'CR each construct is scaled to when loadings = "scaled": a number in (0, 1) or "reported" (the paper\'s reported CRs)',
      }),
    itemLoadings: z
      .partialRecord(
        z.enum(itemIds as [string, ...string[]]),
        z
          .number()
          .gt(-1, { message: "impossible loading: a standardized loading must lie in (-1, 1)" })
          .lt(1, { message: "impossible loading: a standardized loading must lie in (-1, 1)" })
          .meta({ description: "standardized loading, 0 < |loading| < 1" }),
      )
      .default({})
      .meta({ description: 'Per-item loadings replacing the Appendix values ("IEO5": 0.6)' }),
    includeDropped: z.boolean().default(false).meta({
      description:
        "Also ask the items the paper dropped in purification (reverse-keyed ones reflected)",
    }),
    droppedLoading: num(
      DEFAULT_INSTRUMENT.droppedLoading,
      0.01,
      0.99,
      "Loading of dropped items (the paper reports none; our default 0.45)",
    ),
    compositeItems: z.enum(["retained", "all"]).default(DEFAULT_INSTRUMENT.compositeItems).meta({
      description: "Items a composite averages: retained (as the paper) or all asked items",
    }),
    methodFactor: num(
      0,
      0,
      0.95,
      "Loading of every item on a common-method (respondent style) factor, 0 = none",
    ),
    measurementError: z
      .boolean()
      .default(true)
      .meta({ description: "false: items equal their construct score (no measurement error)" }),
    frame: z
      .strictObject({
        minFoundingYear: z
          .number()
          .int()
          .min(1800)
          .max(2100)
          .nullable()
          .default(SAMPLE.minFoundingYear)
          .meta({ description: "Frame: founded in or after this year (null: any); paper 1980" }),
        minExportShare: num(
          SAMPLE.minExportShare,
          0,
          1,
          "Frame: exporting at least this share of production (0: any); paper 0.25",
        ),
        attributes: z.literal("placeholder").default("placeholder").meta({
          description:
            "Where firm attributes come from: placeholder (documented stand-in distributions until the dynamics mode supplies real ones)",
        }),
      })
      .prefault({})
      .meta({ description: "The sampling frame's criteria (Method section)" }),
    mailed: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(SAMPLE.mailed)
      .meta({ description: "Firms mailed, a random sample of the frame (firms); paper 900" }),
    responseRate: z
      .number()
      .gt(0, { message: "must lie in (0, 1]" })
      .max(1, { message: "must lie in (0, 1]" })
      .default(SAMPLE.responseRate)
      .meta({
        description: "Probability that a mailed firm responds, in (0, 1]; paper about 0.23",
      }),
    n: z.number().int().min(30).max(1_000_000).default(SAMPLE.usable).meta({
      description: "Usable responses analysed (a survey that gets fewer uses all); paper 203",
    }),
    responseBias: z
      .strictObject({
        on: z.enum(["none", "performance", "size"]).default("none").meta({
          description:
            "What response propensity depends on: none, performance (PERF), size (log employees)",
        }),
        strength: num(
          0,
          -0.95,
          0.95,
          "Correlation of the probit response propensity with that variable",
        ),
      })
      .prefault({})
      .meta({ description: "Non-response bias" }),
    itemNonresponse: z
      .strictObject({
        share: num(
          0.1,
          0,
          0.9,
          "Share of answers skipped, for every asked item (items overrides it per item)",
        ),
        items: z
          .partialRecord(
            z.enum(itemIds as [string, ...string[]]),
            z.number().min(0).max(0.9).meta({ description: "skip share of this item, 0 - 0.9" }),
          )
          .default({})
          .meta({ description: 'Per-item skip shares replacing `share` ("PERF1": 0.3)' }),
        dependsOn: z
          .enum(["none", ...CONSTRUCTS])
          .default("none")
          .meta({
            description:
              "none: missing completely at random; a construct: missing at random, P(skip) = logistic(a + strength * true score), a set so that the population share equals the item's share",
          }),
        strength: num(
          1,
          -5,
          5,
          "Logit slope of skipping per SD of the true score on dependsOn (> 0: high scorers skip more)",
        ),
        minAnswered: z.number().gt(0).max(1).default(0.5).meta({
          description:
            "A composite is the mean of the answered items when at least this share of its items (rounded up, at least one) are answered, else it is missing",
        }),
      })
      .optional()
      .meta({
        description:
          "Item non-response (absent: every respondent answers every item); needs level items. See docs/survey.md",
      }),
    waves: z
      .tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)])
      .default([0.5, 0.3, 0.2]) // our calibration: a typical three-wave mailing (the paper gives no split)
      .meta({ description: "Shares of respondents in the three mailing waves (sum 1)" }),
  })
  .superRefine((s, ctx) => {
    // Cross-field checks; ranges of single fields are the schema's (no duplicate messages).
    if (s.itemNonresponse && s.level !== "items")
      ctx.addIssue({
        code: "custom",
        path: ["itemNonresponse"],
        message:
          'item non-response needs level "items" (composites are then scored from the answered items)',
      });
    if (!(s.responseRate > 0 && s.responseRate <= 1)) return;
    for (const p of surveyConfigProblems(s))
      ctx.addIssue({ code: "custom", path: [p.field], message: p.message });
    if (Object.values(s.itemLoadings).some((l) => !(Math.abs(l ?? 0) < 1))) return;
    try {
      buildInstrument(s, "survey");
    } catch (e) {
      if (!(e instanceof SurveyConfigError)) throw e;
      ctx.addIssue({
        code: "custom",
        path: e.field.split(".").slice(1),
        message: e.message.slice(e.field.length + 2),
      });
    }
  })
  .prefault({})
  .meta({ description: "The virtual survey (off by default); see docs/survey.md" });

/** The survey section with defaults resolved (SurveyConfig, src/survey/config.ts). */
export type SurveySectionOutput = z.output<typeof SurveySection>;

/** Problems with a survey configuration that the schema's per-field ranges cannot see. */
export function surveyConfigProblems(c: {
  responseRate: number;
  n: number;
  mailed: number;
  waves: readonly number[];
}): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (!(c.responseRate > 0 && c.responseRate <= 1))
    out.push({ field: "responseRate", message: `${c.responseRate} must lie in (0, 1]` });
  if (c.n > c.mailed)
    out.push({
      field: "mailed",
      message: `mailing ${c.mailed} firms cannot yield n = ${c.n} usable responses; mail at least ${Math.ceil(c.n / c.responseRate)}`,
    });
  else if (c.mailed * c.responseRate < c.n)
    out.push({
      field: "mailed",
      message: `${c.mailed} firms mailed at a response rate of ${c.responseRate} return about ${Math.round(c.mailed * c.responseRate)} responses, fewer than the n = ${c.n} usable responses requested; mail at least ${Math.ceil(c.n / c.responseRate)} or lower survey.n`,
    });
  const w = c.waves.reduce((a, b) => a + b, 0);
  if (Math.abs(w - 1) > 1e-9)
    out.push({ field: "waves", message: `the three wave shares must sum to 1 (they sum to ${w})` });
  return out;
}
