// The zoning plans in force as the style's metadata (`bando:plans`) lists them: what a printed map
// cites for its zoning layer (plan name, scale, approving decision).

/** A zoning plan in force: name, scale and approving decision (number, YYYY-MM-DD date, authority). */
export type ZoningPlan = {
  id: number;
  name: string;
  scale: string;
  decisionNo: string;
  /** YYYY-MM-DD. */
  decisionDate: string;
  authority: string;
};
