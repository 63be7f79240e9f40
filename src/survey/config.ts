import { SurveySection, type SurveySectionOutput } from "../scenario/sections/survey.ts";

/**
 * Everything a virtual survey needs to know: the scenario's `survey` section with its defaults
 * resolved, typed from the schema (one source of truth, src/scenario/sections/survey.ts).
 * level "items": every respondent answers every item; "composites": composites are drawn
 * directly as the mean of continuous items would be (faster; no item file). n: usable
 * responses wanted (a survey that gets fewer uses all it gets). waves: shares of respondents in
 * the three mailing waves (early = first, late = last).
 */
export type SurveyConfig = SurveySectionOutput;

/** The paper's design (Method section, Appendix): the schema's defaults, survey off. */
export const DEFAULT_SURVEY: SurveyConfig = SurveySection.parse({});
