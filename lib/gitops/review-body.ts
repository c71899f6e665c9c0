/**
 * What a reviewer needs to judge an apply without opening Atlas: the plan in a sentence, what it
 * costs against its budget, what the validator found. The apply node fills it from the run.
 */
export interface ReviewNotes {
  goalName: string;
  summary: string;
  /** null when nothing was priced */
  cost: {
    monthlyUsd: number;
    /** null when the goal gave no budget */
    budgetUsd: number | null;
    /** OK / WARN / OVER, or null without a budget */
    status: string | null;
    /** resources left unpriced, i.e. not in `monthlyUsd` */
    unpriced: number;
    /** `validator`: priced from the built files; `plan`: the planner's estimate */
    source: "validator" | "plan";
  } | null;
  /** null when the plan was not validated */
  findings: { severity: string; ruleId: string; resource: string; message: string; unverified: boolean }[] | null;
}

/** Severities from worst to least, as the validator names them. */
const SEVERITIES = ["critical", "high", "medium", "low", "info"];
/** Findings listed one by one in a review body; the counts cover all of them. */
const LISTED_FINDINGS = 30;

const usd = (value: number) => `$${value.toFixed(2)}`;

function costLine(cost: ReviewNotes["cost"]): string {
  if (!cost) return "- Monthly cost: not priced";
  const source = cost.source === "validator" ? "priced from the built files" : "planner's estimate";
  const budget =
    cost.budgetUsd === null
      ? "no budget given"
      : `budget ${usd(cost.budgetUsd)} (${Math.round((cost.monthlyUsd / cost.budgetUsd) * 100)} % of it${cost.status ? `, ${cost.status}` : ""})`;
  const unpriced = cost.unpriced ? `; ${cost.unpriced} resource(s) unpriced, not counted` : "";
  return `- Monthly cost: ${usd(cost.monthlyUsd)} vs ${budget}, ${source}${unpriced}`;
}

function findingLines(findings: ReviewNotes["findings"]): string[] {
  if (findings === null) return ["Not evaluated: the plan carries no validation report."];
  if (!findings.length) return ["None."];
  const rank = (severity: string) => (SEVERITIES.includes(severity) ? SEVERITIES.indexOf(severity) : SEVERITIES.length);
  const sorted = [...findings].sort((a, b) => rank(a.severity) - rank(b.severity));
  const counts = SEVERITIES.map((severity) => `${severity}: ${findings.filter((f) => f.severity === severity).length}`);
  const lines = [counts.join(", "), ""];
  for (const f of sorted.slice(0, LISTED_FINDINGS)) {
    lines.push(`- **${f.severity}** \`${f.ruleId}\` on \`${f.resource}\`: ${f.message}${f.unverified ? " (cannot verify)" : ""}`);
  }
  if (sorted.length > LISTED_FINDINGS) lines.push(`- ... and ${sorted.length - LISTED_FINDINGS} more`);
  return lines;
}

/** Title and body of an apply's review. */
export function applyReviewText(input: {
  tenant: string;
  planId: string;
  planVersion: number;
  traceId: string;
  approver: string;
  commit: string;
  notes?: ReviewNotes | undefined;
}): { title: string; body: string } {
  const notes = input.notes;
  const body = [
    `Atlas plan \`${input.planId}\` version ${input.planVersion} for tenant \`${input.tenant}\`${notes ? `: ${notes.goalName}` : ""}.`,
    "",
    "## Summary",
    notes?.summary || "Not given.",
    "",
    "## Cost",
    notes ? costLine(notes.cost) : "- Monthly cost: not given",
    "",
    "## Findings by severity",
    ...(notes ? findingLines(notes.findings) : ["Not given."]),
    "",
    "## Approval",
    `- Approved by: ${input.approver}`,
    `- Commit: ${input.commit}`,
    `- Trace: ${input.traceId}`,
  ];
  return { title: `Apply ${input.planId} v${input.planVersion} (${input.tenant})`, body: body.join("\n") };
}

/** Title and body of a rollback's review. */
export function rollbackReviewText(input: {
  tenant: string;
  planId: string;
  planVersion: number;
  traceId: string;
  by: string;
  reason: string;
  reverts: string;
  commit: string;
}): { title: string; body: string } {
  const body = [
    `Rolls back Atlas plan \`${input.planId}\` version ${input.planVersion} for tenant \`${input.tenant}\`.`,
    "",
    "## Reason",
    input.reason.trim(),
    "",
    `- Rolled back by: ${input.by}`,
    `- Reverts: ${input.reverts}`,
    `- Commit: ${input.commit}`,
    `- Trace: ${input.traceId}`,
  ];
  return { title: `Roll back ${input.planId} v${input.planVersion} (${input.tenant})`, body: body.join("\n") };
}
