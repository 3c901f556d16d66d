/** Hours in a year for simple (not compounded) annualisation of an hourly rate: 24 × 365. */
export const HOURS_PER_YEAR_SIMPLE = 8_760;
