import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, MemorySaver } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, type Deps } from "../app/deps.js";
import { ingestPaths } from "../ingest/ingest.js";
import { createLogger } from "../lib/log.js";
import { goalStatementSchema } from "../schemas/goal.js";
import type { Finding } from "../schemas/reports.js";
import { testConfig } from "../test/helpers/config.js";
import { fixtureRunbooksDir, makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";
import { buildPlanningGraph } from "./build.js";
import type { PlanStateValue } from "./state.js";
import {
  type NodeUpdate,
  severityCounts,
  summariseApply,
  summariseApproval,
  summariseArchitect,
  summariseBuilder,
  summariseIntake,
  summariseRollback,
  summariseValidator,
  usd,
} from "./summaries.js";

const goal = goalStatementSchema.parse(JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8")));

/** One node's step of a real run: its update, the state it ran on, and the state after. */
interface Step {
  node: string;
  update: NodeUpdate;
  before: PlanStateValue;
  after: PlanStateValue;
}

/**
 * A whole run on the embedded database: intake → … → approval, answered with agent-chat-ui's
 * HumanResponse (accept) → apply, then a rollback. Every step's update and surrounding states.
 */
async function recordRun(deps: Deps): Promise<{ steps: Step[]; request: Record<string, unknown> }> {
  const graph = buildPlanningGraph(deps, new MemorySaver());
  const config = { configurable: { thread_id: "summaries", tenant: "default", plan_id: "plan-summaries", trace_id: "f".repeat(32) } };
  const steps: Step[] = [];
  let before: PlanStateValue | null = null;
  let pending: { node: string; update: NodeUpdate } | null = null;
  const follow = async (input: unknown) => {
    const stream = await graph.stream(input as never, { ...config, streamMode: ["updates", "values"] });
    for await (const [mode, chunk] of stream as AsyncIterable<["updates" | "values", unknown]>) {
      if (mode === "updates") {
        const [node, update] = Object.entries(chunk as Record<string, NodeUpdate>)[0] ?? [];
        if (node && node !== "__interrupt__") pending = { node, update: update as NodeUpdate };
        continue;
      }
      const state = chunk as PlanStateValue;
      if (pending && before) steps.push({ ...pending, before, after: state });
      pending = null;
      before = state;
    }
  };
  await follow({ goal });
  const waiting = await graph.getState(config);
  const request = waiting.tasks.flatMap((task) => task.interrupts ?? [])[0]?.value as Record<string, unknown>;
  await follow(new Command({ resume: [{ type: "accept", args: null }] }));
  await graph.updateState(config, { rollback_requested: { by: "bob", reason: "error rate up" } }, "apply");
  before = (await graph.getState(config)).values as PlanStateValue;
  await follow(null);
  return { steps, request };
}

describe("node summaries (and the approval interrupt) on a real run", () => {
  let dataDir: string;
  let deps: Deps;
  let steps: Step[];
  let request: Record<string, unknown>;
  const step = (node: string) => {
    const found = steps.find((s) => s.node === node);
    if (!found) throw new Error(`the run had no ${node} step`);
    return found;
  };

  beforeAll(async () => {
    dataDir = makeTmpDir("atlas-summaries-");
    deps = await buildDeps(testConfig({ ATLAS_DATA_DIR: dataDir }), createLogger("silent"), { embedder: null });
    await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder }, [fixtureRunbooksDir]);
    ({ steps, request } = await recordRun(deps));
  });
  afterAll(async () => {
    await deps?.close();
    removeTmpDir(dataDir);
  });

  it("each node appends one AI message named after it, in the order the nodes ran", () => {
    expect(steps.map((s) => s.node)).toEqual(["intake", "architect", "builder", "validator", "approval", "apply", "rollback"]);
    const last = steps.at(-1)?.after as PlanStateValue;
    expect(last.messages.map((m) => [m.getType(), m.name])).toEqual(steps.map((s) => ["ai", s.node]));
    for (const s of steps) expect(s.after.messages.length).toBe(s.before.messages.length + 1);
  });

  it("intake: the goal, where and within what budget", () => {
    const { update, before } = step("intake");
    expect(summariseIntake(update, before)).toBe(`Planning ${goal.name} (${goal.environment}, ${goal.region}) within ${usd(goal.budget.monthly_usd)}/month`);
  });

  it("architect: version, components, cost against the budget and citations, from the plan", () => {
    const { update, before, after } = step("architect");
    const plan = update.plan;
    if (!plan) throw new Error("no plan");
    const line = summariseArchitect(update, before);
    expect(line).toBe(
      `Plan v1: ${plan.components.length} components, ${usd(plan.cost.monthly_total_usd)}/month of a ${usd(goal.budget.monthly_usd)} budget, ${plan.citations.length} runbook citations`,
    );
    expect(after.messages.at(-1)?.content).toBe(line);
  });

  it("architect BLOCKED: the reason", () => {
    const { before } = step("architect");
    const blocked = { stage: "architect" as const, reason: "needs $900 at least", arithmetic: [], findings: [] };
    expect(summariseArchitect({ status: "BLOCKED", blocked }, before)).toBe("BLOCKED: needs $900 at least");
  });

  it("builder: the file count and the digest's first 8 characters", () => {
    const { update, before } = step("builder");
    const artifacts = update.artifacts;
    if (!artifacts) throw new Error("no artifacts");
    expect(summariseBuilder(update, before)).toBe(`Built ${artifacts.files.length} files (digest ${artifacts.digest.slice(0, 8)})`);
  });

  it("validator PASS, FAIL and BLOCKED", () => {
    const { update, before } = step("validator");
    const report = update.validation;
    if (!report) throw new Error("no report");
    const count = (severity: Finding["severity"]) => report.findings.filter((f) => f.severity === severity).length;
    const pass = summariseValidator(update, before);
    expect(pass).toContain(`PASS: ${count("high")} high, ${count("medium")} medium, ${count("low")} low`);
    expect(pass).toContain(`${usd(report.cost.monthly_total_usd)}/month`);

    const high = { ...(report.findings[0] as Finding), rule_id: "SG_OPEN_INGRESS", severity: "high" as const };
    const fail = { validation: { ...report, status: "FAIL" as const }, status: "IN_PROGRESS" as const, revisions: 1, open_findings: [high] };
    expect(summariseValidator(fail, before)).toBe("FAIL: 1 high, 0 medium, 0 low finding (SG_OPEN_INGRESS); revising (revision 1 of 2)");
    const blocked = { stage: "validator" as const, reason: "still fails after 2 revisions: SG_OPEN_INGRESS", arithmetic: [], findings: [high] };
    expect(summariseValidator({ ...fail, status: "BLOCKED", blocked }, before)).toBe(`BLOCKED: ${blocked.reason}`);
  });

  it("approval: an agent-chat-ui accept is an approval by the unknown approver; reject and revise name theirs", () => {
    const { update, before } = step("approval");
    expect(update.decision).toEqual({ decision: "approve", approver: "unknown approver" });
    expect(summariseApproval(update, before)).toBe("Approved by unknown approver");
    expect(summariseApproval({ decision: { decision: "reject", approver: "carol", comment: "not now" } }, before)).toBe("Rejected by carol: not now");
    expect(
      summariseApproval({ decision: { decision: "revise", approver: "carol", comment: "cheaper", changes: { budget: { monthly_usd: 900 } } } }, before),
    ).toBe("Revise requested by carol: cheaper (goal changes: budget)");
  });

  it("the approval interrupt keeps Atlas's fields and adds agent-chat-ui's HumanInterrupt ones", () => {
    const { before } = step("approval");
    const plan = before.plan;
    const report = before.validation;
    if (!plan || !report) throw new Error("approval without a validated plan");
    expect(request).toMatchObject({ kind: "approval", plan_id: plan.plan_id, plan_version: plan.version, decisions: ["approve", "reject", "revise"] });
    const count = (severity: Finding["severity"]) => report.findings.filter((f) => f.severity === severity).length;
    expect(request.action_request).toEqual({
      action: "approve_plan",
      args: {
        plan_id: plan.plan_id,
        plan_version: plan.version,
        // the validator priced the built files' fixed cost; the plan's usage estimate is added to what is approved
        monthly_usd: Number((report.cost.monthly_total_usd + (report.cost.usage_monthly_usd === 0 ? plan.cost.usage_monthly_usd : 0)).toFixed(2)),
        budget_usd: goal.budget.monthly_usd,
        findings: { critical: count("critical"), high: count("high"), medium: count("medium"), low: count("low"), info: count("info") },
      },
    });
    expect(request.config).toEqual({ allow_accept: true, allow_respond: true, allow_ignore: true, allow_edit: false });
    const description = request.description as string;
    expect(description).toContain(goal.name);
    expect(report.cost.usage_monthly_usd).toBe(0);
    expect(plan.cost.usage_monthly_usd).toBeGreaterThan(0);
    expect(description).toContain(`${usd(report.cost.monthly_total_usd + plan.cost.usage_monthly_usd)}/month`);
    expect(description).toContain(`fixed ${usd(report.cost.fixed_monthly_usd ?? 0)} priced by the validator`);
    expect(description).toContain(`usage ${usd(plan.cost.usage_monthly_usd)} the plan's estimate`);
    expect(description).toContain(`of a ${usd(goal.budget.monthly_usd)} budget`);
    expect(description).toContain(`${count("high")} high, ${count("medium")} medium, ${count("low")} low`);
  });

  it("apply: the commit's first 7 characters and where it went", () => {
    const { update, before } = step("apply");
    const applied = update.applied;
    if (!applied) throw new Error("nothing applied");
    expect(summariseApply(update, before)).toBe(`Committed ${applied.commit.slice(0, 7)} to ${applied.path}`);
  });

  it("rollback: which commit was reverted, by which, at whose request", () => {
    const { update, before } = step("rollback");
    const done = update.events?.find((e) => e.type === "rollback.done")?.data as { commit: string; reverted: string };
    expect(done.reverted).toBe(before.applied?.commit);
    expect(summariseRollback(update, before)).toBe(`Reverted ${done.reverted.slice(0, 7)} with ${done.commit.slice(0, 7)} for bob: error rate up`);
  });
});

describe("severityCounts", () => {
  it("always names high, medium and low; critical and info only when present", () => {
    const f = (severity: Finding["severity"]) => ({ severity }) as Finding;
    expect(severityCounts([])).toBe("0 high, 0 medium, 0 low findings");
    expect(severityCounts([f("medium")])).toBe("0 high, 1 medium, 0 low finding");
    expect(severityCounts([f("critical"), f("info"), f("low")])).toBe("1 critical, 0 high, 0 medium, 1 low, 1 info findings");
  });
});
