import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import type { Deps } from "../app/deps.js";
import { type Percentiles, percentiles } from "../bench/stats.js";
import { planDeterministic } from "../nodes/architect/engine.js";
import { renderArtifacts } from "../nodes/builder/engine.js";
import { type GoalStatement, goalStatementSchema } from "../schemas/goal.js";
import { type Check, checkSchema, runChecks } from "./checks.js";
import { evalConstraints, terraformOf } from "./constraint-run.js";
import { type ConstraintSuiteSummary, readConstraintSuite } from "./constraint-suite.js";
import { meetsOwnSlo, showsAvailabilityArithmetic, usageDrivers, usagePriced } from "./plan-metrics.js";

/**
 * An entry of evals/goals/expectations.json: "plan" or "blocked", why, and optionally what
 * blocks it (`blocked_by: "availability"` means the rationale must show the availability
 * arithmetic), a strict ceiling on the total, and checks on the approved plan and its Terraform.
 */
const expectationSchema = z.union([
  z.enum(["plan", "blocked"]),
  z
    .object({
      expect: z.enum(["plan", "blocked"]),
      reason: z.string(),
      blocked_by: z.enum(["availability", "budget", "cloud", "region", "catalogue", "constraint"]).optional(),
      total_below_usd: z.number().positive().optional(),
      checks: z.array(checkSchema).optional(),
    })
    .strict(),
]);

/** One eval goal and what a correct planner does with it. */
interface GoalCase {
  file: string;
  goal: GoalStatement;
  expect: "plan" | "blocked";
  blockedBy?: string;
  totalBelowUsd?: number;
  checks: Check[];
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
  /** plans reaching approval whose estimated availability meets their own target (must be 1.000) */
  slo_met_rate: number;
  slo_met: { approved: number; met: number };
  /** BLOCKED goals whose expectation says availability is the reason: the rationale shows the availability arithmetic */
  slo_blocked_arithmetic_rate: number;
  /** goals stating rps, payload or message rate whose plan prices usage (usage total > 0 and usage lines) */
  priced_usage_rate: number;
  priced_usage: { goals: number; priced: number };
  /** expectations with `checks` or `total_below_usd` that hold on the approved plan */
  goal_checks_rate: number;
  /** the constraint suite (evals/constraints/suite.json); null when the file is absent */
  constraints: (ConstraintSuiteSummary & { slo_met_rate: number }) | null;
  /** Monthly cost per goal as the architect priced the plan and as the validator priced the Terraform; null when blocked. */
  costs: { file: string; plan_usd: number | null; validated_usd: number | null; fixed_usd: number | null; usage_usd: number | null }[];
  failures: { file: string; problem: string }[];
}

export function readGoalCases(dir: string): GoalCase[] {
  const expectations = JSON.parse(readFileSync(join(dir, "expectations.json"), "utf8")) as Record<string, unknown>;
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json") && file !== "expectations.json")
    .sort()
    .map((file) => {
      const parsed = expectationSchema.safeParse(expectations[file]);
      if (!parsed.success) throw new Error(`evals/goals/expectations.json: no valid entry for ${file}: ${parsed.error.message}`);
      const raw = parsed.data;
      const goal = goalStatementSchema.parse(JSON.parse(readFileSync(join(dir, file), "utf8")));
      if (typeof raw === "string") return { file, goal, expect: raw, checks: [] };
      return { file, goal, expect: raw.expect, blockedBy: raw.blocked_by, totalBelowUsd: raw.total_below_usd, checks: raw.checks ?? [] };
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

type Run = Awaited<ReturnType<Deps["planner"]["start"]>>;

/** Why an approved goal fails its expectation's checks (strict total ceiling, plan and Terraform checks); null when it holds. */
function goalCheckProblem(item: GoalCase, run: Run): string | null {
  if (run.status !== "WAIT_FOR_APPROVE" || !run.plan) return `no approved plan to check (run ${run.status})`;
  const problems: string[] = [];
  if (item.totalBelowUsd !== undefined) {
    const totals = [run.plan.cost.monthly_total_usd, run.validation?.cost.monthly_total_usd ?? Number.POSITIVE_INFINITY];
    if (totals.some((total) => !(total < (item.totalBelowUsd as number)))) problems.push(`total ${totals.join(" / ")} not below $${item.totalBelowUsd}`);
  }
  const terraform = terraformOf(run.plan);
  if (terraform.error !== undefined) problems.push(`cannot verify: the builder refused the plan (${terraform.error})`);
  const { failed } = runChecks(item.checks, { plan: run.plan, terraform: terraform.text });
  for (const f of failed) problems.push(`${f.check}${f.saw ? ` (saw ${f.saw})` : ""}`);
  return problems.length ? problems.join("; ") : null;
}

/** Counters for the judgement rates of issue 9 (SLO gate, priced usage, goal checks). */
interface JudgementTally {
  approved: number;
  sloMet: number;
  sloBlocked: number;
  sloBlockedShown: number;
  usageGoals: number;
  usagePriced: number;
  checkedGoals: number;
  checksHeld: number;
}

/** Scores one goal's run for the SLO gate, priced usage and its expectation's checks. */
function tallyJudgement(t: JudgementTally, item: GoalCase, run: Run, failures: PlanEvalResult["failures"]): void {
  const fail = (problem: string) => failures.push({ file: item.file, problem });
  if (run.status === "WAIT_FOR_APPROVE" && run.plan) {
    t.approved++;
    if (meetsOwnSlo(run.plan)) t.sloMet++;
    else fail(`reached approval below its own SLO: estimated ${run.plan.performance.estimated_availability} % < ${run.plan.performance.availability_target} %`);
  }
  if (run.status === "BLOCKED" && run.blocked && item.blockedBy === "availability") {
    t.sloBlocked++;
    if (showsAvailabilityArithmetic(run.blocked)) t.sloBlockedShown++;
    else fail(`BLOCKED for availability without the availability arithmetic: ${run.blocked.reason}`);
  }
  if (run.plan && usageDrivers(item.goal).length > 0) {
    t.usageGoals++;
    const priced = usagePriced(item.goal, run.plan);
    if (priced.ok) t.usagePriced++;
    else fail(`usage not priced: ${priced.why}`);
  }
  if (item.checks.length > 0 || item.totalBelowUsd !== undefined) {
    t.checkedGoals++;
    const problem = goalCheckProblem(item, run);
    if (problem === null) t.checksHeld++;
    else fail(`expectation checks: ${problem}`);
  }
}

/**
 * Runs every eval goal through the real graph (architect → builder → validator → approval
 * interrupt) and scores the planner against the seed KPIs and issue 9's judgement rates; then
 * the constraint suite, by default `evals/constraints/suite.json` beside the goals folder.
 */
export async function evalPlans(deps: Deps, dir: string, suitePath = join(dirname(dir), "constraints", "suite.json")): Promise<PlanEvalResult> {
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
  const tally: JudgementTally = { approved: 0, sloMet: 0, sloBlocked: 0, sloBlockedShown: 0, usageGoals: 0, usagePriced: 0, checkedGoals: 0, checksHeld: 0 };
  const costs: PlanEvalResult["costs"] = [];
  for (const item of cases) {
    const started = performance.now();
    const run = await deps.planner.start({ goal: item.goal, tenant: "eval" });
    times.push(performance.now() - started);
    const cost = run.plan?.cost;
    costs.push({
      file: item.file,
      plan_usd: cost?.monthly_total_usd ?? null,
      validated_usd: run.validation?.cost.monthly_total_usd ?? null,
      fixed_usd: cost?.fixed_monthly_usd ?? null,
      usage_usd: cost?.usage_monthly_usd ?? null,
    });
    if (deterministic(item.goal)) deterministicCount++;
    else failures.push({ file: item.file, problem: "not deterministic" });
    tallyJudgement(tally, item, run, failures);
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
  const constraints = existsSync(suitePath) ? await evalConstraints(deps, dir, readConstraintSuite(suitePath)) : null;
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
    slo_met_rate: rate(tally.sloMet, tally.approved),
    slo_met: { approved: tally.approved, met: tally.sloMet },
    slo_blocked_arithmetic_rate: rate(tally.sloBlockedShown, tally.sloBlocked),
    priced_usage_rate: rate(tally.usagePriced, tally.usageGoals),
    priced_usage: { goals: tally.usageGoals, priced: tally.usagePriced },
    goal_checks_rate: rate(tally.checksHeld, tally.checkedGoals),
    constraints,
    costs,
    failures,
  };
}
