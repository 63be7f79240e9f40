import { z } from "zod";

/** Cross-section population (the foundation's draw; the dynamics mode founds firms over time instead). */
export const PopulationSection = z
  .strictObject({
    firms: z
      .number()
      .int()
      .min(10)
      .max(5_000_000)
      .default(10_000)
      .meta({ description: "Number of firms drawn (firms)" }),
    scale: z.enum(["table1", "latent"]).default("table1").meta({
      description:
        "table1: rescale scores to Table 1 means and SDs (1-7); latent: standardized scores",
    }),
  })
  .default({ firms: 10_000, scale: "table1" });

/** How the path model is estimated. */
export const EstimationSection = z
  .strictObject({
    alpha: z
      .number()
      .gt(0)
      .lt(0.5)
      .default(0.05)
      .meta({ description: "Significance level of the hypothesis verdicts" }),
    indirect: z.boolean().optional().meta({
      description:
        "Also report the eight specific indirect effects IEO/IMO -> strategy -> PERF and the two total indirect effects (IEO_GTC_PERF, ..., IEO_total, IMO_total; delta-method SEs) of every model fitted that has those paths, as rows beside the paths in power, survey and sweep outputs (bgsim power/survey --indirect)",
    }),
  })
  .default({ alpha: 0.05 });
