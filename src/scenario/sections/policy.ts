import { z } from "zod";

/**
 * Policy levers (issue 5, section 2), each a first-class field documenting what it changes in
 * the dynamics model (docs/ODD.md, "Policy levers"). All are off by default (take-up 0 or
 * change 0). Treated firms are drawn once at founding with probability takeUp (stream
 * "policy-takeup"); a treatment acts from max(startYear, founding) onwards.
 */
function num(dflt: number, min: number, max: number, description: string) {
  return z.number().min(min).max(max).default(dflt).meta({ description });
}
const takeUp = (what: string) =>
  num(0, 0, 1, `Share of firms (eligible ones) that take up ${what} (0..1)`);

export const PolicySection = z
  .strictObject({
    startYear: z
      .number()
      .min(1900)
      .max(2100)
      .default(1990)
      .meta({ description: "Treatment start date (decimal calendar year) for every lever" }),
    exportPromotion: z
      .strictObject({
        takeUp: takeUp("export promotion (information, trade missions, training)"),
        eligibility: z.enum(["all", "non-exporters"]).default("non-exporters").meta({
          description:
            "Who can be treated: all firms, or only firms that have not yet exported when treated (Volpe Martincus & Carballo 2008: effects on the extensive margin)",
        }),
        imoShift: num(
          0.3,
          -3,
          3,
          "Shift of a treated firm's IMO (SD units); propagates to GTC, UPD, QF, LFDC through the model's IMO paths, and raises the entry hazard through entry.imo",
        ),
        knowledgeShift: num(
          0.1,
          0,
          1,
          "Knowledge added to a treated firm (0..1 scale of the learning submodel), raising entry and performance",
        ),
        costPerFirm: num(
          20,
          0,
          1e6,
          "Programme cost per treated firm, US$ thousand (reported as policy.cost; Olarreaga et al. 2015 report about US$15 of exports per US$1 of agency budget)",
        ),
      })
      .prefault({})
      .meta({ description: "Export promotion: shifts IMO and knowledge of treated firms" }),
    matchmaking: z
      .strictObject({
        takeUp: takeUp("distributor matchmaking / partner search"),
        competenceShift: num(
          0.5,
          -3,
          3,
          "Shift (SD units) of the competence of every distributor a treated firm signs after the start date, at entry or on replacement (no quantified evaluation found: a what-if parameter)",
        ),
        costPerEntry: num(
          5,
          0,
          1e6,
          "Cost per assisted entry or distributor replacement of a treated firm, US$ thousand",
        ),
      })
      .prefault({})
      .meta({ description: "Distributor matchmaking: raises distributor competence at entry" }),
    technology: z
      .strictObject({
        takeUp: takeUp("technology / R&D support"),
        gtcShift: num(
          0.3,
          -3,
          3,
          "Shift of a treated firm's GTC (SD units), raising performance through the GTC -> PERF path",
        ),
        costPerFirm: num(50, 0, 1e6, "Cost per treated firm, US$ thousand"),
      })
      .prefault({})
      .meta({ description: "Technology / R&D support: shifts global technological competence" }),
    tradeCost: z
      .strictObject({
        entryTrendChange: num(
          0,
          -0.5,
          0.5,
          "Change of the growth rate per year of every entry hazard after the start date (ICT, logistics, tariff cuts)",
        ),
        distancePenaltyChange: num(
          0,
          -1,
          1,
          "Relative change of the psychic and geographic distance penalties of entry after the start date (-0.65: Lendle et al. 2016 found distance matters about 65% less on eBay)",
        ),
      })
      .prefault({})
      .meta({ description: "Trade-cost and ICT changes over time (apply to every firm)" }),
  })
  .prefault({})
  .meta({ description: "Policy levers (what-if analysis); everything off by default" });

export type PolicyConfig = z.output<typeof PolicySection>;
