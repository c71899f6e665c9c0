import { describe, expect, it } from "vitest";
import { applyReviewText, type ReviewNotes } from "./review-body.js";

const ref = { tenant: "acme", planId: "plan-x", planVersion: 3, traceId: "t".repeat(32), approver: "alice", commit: "c".repeat(40) };
const notes = (overrides: Partial<ReviewNotes>): ReviewNotes => ({ goalName: "x", summary: "s", cost: null, findings: [], ...overrides });

describe("review body", () => {
  it("says what was not evaluated or not priced instead of printing nothing or $0", () => {
    const body = applyReviewText({ ...ref, notes: notes({ findings: null }) }).body;
    expect(body).toContain("Not evaluated: the plan carries no validation report.");
    expect(body).toContain("- Monthly cost: not priced");
    expect(applyReviewText({ ...ref, notes: undefined }).body).toContain("- Monthly cost: not given");
  });

  it("names the cost's source and a missing budget", () => {
    const body = applyReviewText({ ...ref, notes: notes({ cost: { monthlyUsd: 80, budgetUsd: null, status: null, unpriced: 0, source: "plan" } }) }).body;
    expect(body).toContain("- Monthly cost: $80.00 vs no budget given, planner's estimate");
  });

  it("counts every finding but lists at most thirty", () => {
    const findings = Array.from({ length: 35 }, (_, i) => ({ severity: "low", ruleId: `R-${i}`, resource: "r", message: "m", unverified: false }));
    const body = applyReviewText({ ...ref, notes: notes({ findings }) }).body;
    expect(body).toContain("low: 35");
    expect(body.match(/^- \*\*low\*\*/gm)).toHaveLength(30);
    expect(body).toContain("- ... and 5 more");
  });
});
