import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Deps } from "../app/deps.js";
import { type Percentiles, percentiles } from "../bench/stats.js";
import { planDeterministic } from "../nodes/architect/engine.js";
import { renderArtifacts } from "../nodes/builder/engine.js";
import { type GoalStatement, goalStatementSchema } from "../schemas/goal.js";

/** One eval goal and what a correct planner does with it. */
interface GoalCase {
  file: string;
  goal: GoalStatement;
  expect: "plan" | "blocked";
}

export interface PlanEvalResult {
  goals: number;
  expected_plans: number;
  expected_blocked: number;
  first_pass_validator_pass_rate: number;
  reached_approval_rate: number;
  within_budget_rate: number;
  blocked_precision: number;
  blocked_recall: number;
  artifacts_schema_valid_rate: number;
  determinism_rate: number;
  run_to_interrupt_ms: Percentiles;
  /** Monthly cost per goal as the architect priced the plan and as the validator priced the Terraform; null when blocked. */
  costs: { file: string; plan_usd: number | null; validated_usd: number | null }[];
  failures: { file: string; problem: string }[];
}

export function readGoalCases(dir: string): GoalCase[] {
  const expectations = JSON.parse(readFileSync(join(dir, "expectations.json"), "utf8")) as Record<string, string | { expect: string }>;
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json") && file !== "expectations.json")
    .sort()
    .map((file) => {
      const raw = expectations[file];
      const expect = (typeof raw === "string" ? raw : raw?.expect) as "plan" | "blocked" | undefined;
      if (expect !== "plan" && expect !== "blocked") throw new Error(`evals/goals/expectations.json has no "plan" or "blocked" for ${file}`);
      return { file, goal: goalStatementSchema.parse(JSON.parse(readFileSync(join(dir, file), "utf8"))), expect };
    });
}

const rate = (hits: number, total: number) => Number((total ? hits / total : 1).toFixed(3));

/** The same goal planned and built twice with the same ids gives byte-identical JSON and artifacts. */
function deterministic(goal: GoalStatement): boolean {
  const ctx = { planId: "plan-eval", traceId: "0".repeat(32), version: 1, parentVersion: null, citations: [] };
  const a = planDeterministic(goal, ctx);
  const b = planDeterministic(goal, ctx);
  if (JSON.stringify(a) !== JSON.stringify(b)) return false;
  if (a.kind !== "plan" || b.kind !== "plan") return true;
  return renderArtifacts(a.plan).digest === renderArtifacts(b.plan).digest;
}

/**
 * Runs every eval goal through the real graph (architect → builder → validator → approval
 * interrupt) and scores the planner against the seed KPIs.
 */
export async function evalPlans(deps: Deps, dir: string): Promise<PlanEvalResult> {
  const cases = readGoalCases(dir);
  const failures: PlanEvalResult["failures"] = [];
  const times: number[] = [];
  let firstPass = 0;
  let reached = 0;
  let withinBudget = 0;
  let schemaValid = 0;
  let built = 0;
  let blockedRight = 0;
  let blockedTotal = 0;
  let deterministicCount = 0;
  const costs: PlanEvalResult["costs"] = [];
  for (const item of cases) {
    const started = performance.now();
    const run = await deps.planner.start({ goal: item.goal, tenant: "eval" });
    times.push(performance.now() - started);
    costs.push({ file: item.file, plan_usd: run.plan?.cost.monthly_total_usd ?? null, validated_usd: run.validation?.cost.monthly_total_usd ?? null });
    if (deterministic(item.goal)) deterministicCount++;
    else failures.push({ file: item.file, problem: "not deterministic" });
    if (run.status === "BLOCKED") {
      blockedTotal++;
      if (item.expect === "blocked") blockedRight++;
      else failures.push({ file: item.file, problem: `blocked: ${run.blocked?.reason}` });
    } else if (item.expect === "blocked") {
      failures.push({ file: item.file, problem: `expected BLOCKED, got ${run.status}` });
    }
    if (item.expect !== "plan") continue;
    if (run.status === "WAIT_FOR_APPROVE") reached++;
    if (run.status === "WAIT_FOR_APPROVE" && run.revisions === 0) firstPass++;
    else if (run.status !== "BLOCKED") failures.push({ file: item.file, problem: `needed ${run.revisions} revisions, ended ${run.status}` });
    if (run.validation && run.validation.cost.monthly_total_usd <= item.goal.budget.monthly_usd) withinBudget++;
    if (run.artifacts.length) {
      built++;
      // Every Terraform file parsed and every Kubernetes object validated against its OpenAPI schema.
      const parseProblems = (run.validation?.findings ?? []).filter((f) => f.rule_id === "IAC_PARSE_ERROR" || f.rule_id === "K8S_SCHEMA");
      if (parseProblems.length === 0 && run.artifacts_digest?.length === 64) schemaValid++;
      else failures.push({ file: item.file, problem: `artifacts not schema-valid: ${parseProblems.map((f) => f.message).join("; ")}` });
    }
  }
  const expectedPlans = cases.filter((c) => c.expect === "plan").length;
  const expectedBlocked = cases.length - expectedPlans;
  return {
    goals: cases.length,
    expected_plans: expectedPlans,
    expected_blocked: expectedBlocked,
    first_pass_validator_pass_rate: rate(firstPass, expectedPlans),
    reached_approval_rate: rate(reached, expectedPlans),
    within_budget_rate: rate(withinBudget, expectedPlans),
    blocked_precision: rate(blockedRight, blockedTotal),
    blocked_recall: rate(blockedRight, expectedBlocked),
    artifacts_schema_valid_rate: rate(schemaValid, built),
    determinism_rate: rate(deterministicCount, cases.length),
    run_to_interrupt_ms: percentiles(times),
    costs,
    failures,
  };
}
