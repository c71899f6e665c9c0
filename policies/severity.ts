/** Finding severities, most severe first. */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;

export type Severity = (typeof SEVERITIES)[number];

/** Deployment environments rules can be aware of. */
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;

export type Environment = (typeof ENVIRONMENTS)[number];

/** True when `severity` is as severe as `threshold` or more. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}
