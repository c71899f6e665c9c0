import { describe, expect, it } from "vitest";
import { type ToApprovalDecision, toApprovalDecision } from "./human-response.js";

const decided = (result: ToApprovalDecision) => {
  if (!result.ok) throw new Error(`expected a decision, got ${result.error.message}`);
  return result.decision;
};
const issues = (result: ToApprovalDecision) => {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.decision)}`);
  return result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
};

describe("toApprovalDecision: Atlas's own decision", () => {
  it("keeps a full decision as it is", () => {
    const decision = { decision: "revise", approver: "carol", comment: "cheaper", changes: { budget: { monthly_usd: 900 } } };
    expect(decided(toApprovalDecision(decision, "unknown approver"))).toEqual(decision);
  });

  it("fills a missing approver with the given one, but not an empty one", () => {
    expect(decided(toApprovalDecision({ decision: "approve" }, "dave"))).toEqual({ decision: "approve", approver: "dave" });
    expect(issues(toApprovalDecision({ decision: "approve", approver: "" }, "dave")).map((i) => i.path)).toEqual(["approver"]);
  });

  it("names the field of a bad decision", () => {
    expect(issues(toApprovalDecision({ decision: "maybe" }, "dave")).map((i) => i.path)).toEqual(["decision"]);
    expect(issues(toApprovalDecision({ decision: "revise" }, "dave")).map((i) => i.path)).toEqual(["comment"]);
    expect(issues(toApprovalDecision({ decision: "approve", extra: 1 }, "dave"))[0]?.message).toMatch(/extra/);
    expect(toApprovalDecision("approve", "dave").ok).toBe(false);
  });
});

describe("toApprovalDecision: agent-chat-ui's HumanResponse", () => {
  it("accept approves, response revises with the text as comment, ignore rejects: alone or in a one-element array", () => {
    expect(decided(toApprovalDecision([{ type: "accept", args: null }], "unknown approver"))).toEqual({ decision: "approve", approver: "unknown approver" });
    expect(decided(toApprovalDecision({ type: "accept", args: { action: "approve_plan", args: {} } }, "erin"))).toEqual({
      decision: "approve",
      approver: "erin",
    });
    expect(decided(toApprovalDecision({ type: "response", args: "  use a smaller database  " }, "erin"))).toEqual({
      decision: "revise",
      approver: "erin",
      comment: "use a smaller database",
    });
    expect(decided(toApprovalDecision([{ type: "ignore", args: null }], "erin"))).toEqual({ decision: "reject", approver: "erin" });
  });

  it("refuses edit, naming type (with the array index when it came in one)", () => {
    const alone = issues(toApprovalDecision({ type: "edit", args: { action: "approve_plan", args: {} } }, "erin"));
    expect(alone).toEqual([{ path: "type", message: expect.stringContaining("edit is not offered") }]);
    expect(issues(toApprovalDecision([{ type: "edit", args: null }], "erin")).map((i) => i.path)).toEqual(["0.type"]);
  });

  it("names the field of a bad response: an unknown type, a response without text, an array of two", () => {
    expect(issues(toApprovalDecision({ type: "approve" }, "erin"))).toEqual([{ path: "type", message: expect.stringContaining('"accept"') }]);
    expect(issues(toApprovalDecision([{ type: "response", args: "" }], "erin")).map((i) => i.path)).toEqual(["0.args"]);
    expect(issues(toApprovalDecision({ type: "response", args: { text: "x" } }, "erin")).map((i) => i.path)).toEqual(["args"]);
    expect(issues(toApprovalDecision([{ type: "accept" }, { type: "ignore" }], "erin"))).toEqual([{ path: "", message: expect.stringContaining("got 2") }]);
    expect(issues(toApprovalDecision([], "erin"))[0]?.message).toContain("got 0");
  });

  it("a comment over the decision's limit is refused at args", () => {
    expect(issues(toApprovalDecision({ type: "response", args: "x".repeat(4001) }, "erin")).map((i) => i.path)).toEqual(["args"]);
  });
});
