import { z } from "zod";
import { AnalysisSection, isLatentAnalysis } from "./sections/analysis.ts";
import { DynamicsSection, MarketsSection } from "./sections/dynamics.ts";
import { ModelSection } from "./sections/model.ts";
import { PolicySection } from "./sections/policy.ts";
import { EstimationSection, PopulationSection } from "./sections/population.ts";
import { SurveySection } from "./sections/survey.ts";

/**
 * The scenario file: one schema for every run of Born Global Lab. Each section lives in
 * sections/<name>.ts with its defaults, units and allowed ranges. Unknown fields are errors.
 */
const ScenarioFields = z.strictObject({
  $schema: z.string().optional().meta({ description: "Path of the JSON Schema, for editors" }),
  name: z.string().max(200).default("scenario"),
  description: z.string().max(5000).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(4_294_967_295)
    .default(1)
    .meta({ description: "Master seed of every random stream" }),
  replications: z.number().int().min(1).max(100_000).default(1),
  mode: z.enum(["cross-section", "dynamics"]).default("cross-section").meta({
    description:
      "cross-section: draw firms from the structural model; dynamics: found firms over time and let them internationalise",
  }),
  model: ModelSection,
  population: PopulationSection,
  estimation: EstimationSection,
  survey: SurveySection,
  dynamics: DynamicsSection,
  markets: MarketsSection,
  policy: PolicySection,
  analysis: AnalysisSection,
});

export const ScenarioSchema = ScenarioFields.superRefine((s, ctx) => {
  // latent analysis models are fitted to the survey's item answers
  (s.analysis ?? []).forEach((a, i) => {
    if (!isLatentAnalysis(a)) return;
    const issue = (message: string) =>
      ctx.addIssue({ code: "custom", path: ["analysis", i, "model"], message });
    if (s.survey.level !== "items")
      issue(
        `the latent model "${a.name}" is fitted to item answers: set survey.level to "items" (it is "${s.survey.level}")`,
      );
    else if (a.estimator === "WLSMV" && s.survey.responses !== "likert")
      issue(
        `WLSMV treats the items as ordinal: set survey.responses to "likert" (it is "${s.survey.responses}") or use estimator ML`,
      );
  });
});

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.output<typeof ScenarioSchema>;
