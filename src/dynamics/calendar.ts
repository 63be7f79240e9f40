/**
 * Simulated time: steps of 1/stepsPerYear years from the start of startYear to the end of
 * endYear. Step s covers [year(s), year(s) + dt); the survey is taken at the end of
 * surveyYear, i.e. after step surveyStep.
 */
export interface Calendar {
  startYear: number;
  stepsPerYear: number;
  dt: number;
  steps: number;
  /** Last step of the survey year (inclusive). */
  surveyStep: number;
}

export function makeCalendar(
  startYear: number,
  endYear: number,
  stepsPerYear: number,
  surveyYear: number,
): Calendar {
  const steps = (endYear - startYear + 1) * stepsPerYear;
  return {
    startYear,
    stepsPerYear,
    dt: 1 / stepsPerYear,
    steps,
    surveyStep: (surveyYear - startYear + 1) * stepsPerYear - 1,
  };
}

/** A label for step s: "1987-Q3" (quarterly), "1987-M07" (monthly), "1987-H2", "1987". */
export function stepLabel(c: Calendar, s: number): string {
  const y = c.startYear + Math.floor(s / c.stepsPerYear);
  const k = (s % c.stepsPerYear) + 1;
  switch (c.stepsPerYear) {
    case 4:
      return `${y}-Q${k}`;
    case 12:
      return `${y}-M${String(k).padStart(2, "0")}`;
    case 2:
      return `${y}-H${k}`;
    default:
      return String(y);
  }
}
