import { z } from "zod";
import { CONSTRUCTS } from "../../paper/constructs.ts";

const C = CONSTRUCTS.join("|");
const pathKey = z.string().regex(new RegExp(`^(${C})->(${C})$`), {
  message: `must be "FROM->TO" with FROM, TO in ${CONSTRUCTS.join(", ")}`,
});
const corKey = z.string().regex(new RegExp(`^(${C})~~(${C})$`), {
  message: `must be "A~~B" with A, B in ${CONSTRUCTS.join(", ")}`,
});

/** The population's structural model: a built-in specification, optionally edited. */
export const ModelSection = z
  .strictObject({
    base: z.enum(["published", "table1", "empty"]).default("published").meta({
      description:
        "Built-in specification to start from: published (Table 2), table1 (reproduces Table 1 exactly), empty",
    }),
    paths: z.record(pathKey, z.number().gt(-1).lt(1).nullable()).default({}).meta({
      description:
        'Standardized path coefficients to set or add ("IMO->PERF": 0.2) or remove (null)',
    }),
    correlations: z.record(corKey, z.number().gt(-1).lt(1).nullable()).default({}).meta({
      description:
        'Model-implied correlations realised by (residual) covariances ("QF~~LFDC": 0.29), or null to remove',
    }),
  })
  .default({ base: "published", paths: {}, correlations: {} });
