import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Deps } from "../app/deps.js";
import { planDeterministic } from "../nodes/architect/engine.js";
import { renderArtifacts } from "../nodes/builder/engine.js";
import { type GoalStatement, goalStatementSchema, reviseGoal } from "../schemas/goal.js";
import type { PlanSpec } from "../schemas/plan.js";
import { runChecks } from "./checks.js";
import {
  type ConstraintCase,
  type ConstraintCaseResult,
  type ConstraintSuiteSummary,
  type ObservedRun,
  scoreConstraintCase,
  summariseConstraints,
} from "./constraint-suite.js";
import { meetsOwnSlo } from "./plan-metrics.js";

/** Runs the constraint suite (evals/constraints/) through the real graph; scoring lives in constraint-suite.ts. */

type Run = Awaited<ReturnType<Deps["planner"]["start"]>>;

const rate = (hits: number, total: number) => Number((total ? hits / total : 1).toFixed(3));

/**
 * Every Terraform file of a plan, joined with its path; empty without a plan. When the builder
 * refuses the plan the result says so (`error`), so no check passes on text that was never made.
 */
export function terraformOf(plan: PlanSpec | null): { text: string; error?: string } {
  if (!plan) return { text: "" };
  try {
    const files = renderArtifacts(plan).files.filter((file) => file.kind === "terraform");
    return { text: files.map((file) => `# ${file.path}\n${file.content}`).join("\n") };
  } catch (error) {
    return { text: "", error: error instanceof Error ? error.message : String(error) };
  }
}

/** What the constraint scorer needs of a run. */
function observe(run: Run): ObservedRun {
  const blocked = run.blocked ? { reason: run.blocked.reason, arithmetic: run.blocked.arithmetic } : null;
  const terraform = terraformOf(run.plan);
  return { status: run.status, plan: run.plan, terraform: terraform.text, terraform_error: terraform.error, blocked };
}

/** A suite case's goal: the base goal, its changes, and the tested constraint (or, for the baseline, without it). */
export function suiteGoal(goalsDir: string, c: ConstraintCase, withConstraint: boolean): GoalStatement {
  const base = goalStatementSchema.parse(JSON.parse(readFileSync(join(goalsDir, c.goal), "utf8")));
  const constraints = [...(c.keep_goal_constraints ? base.constraints : []), ...(withConstraint ? [c.constraint] : [])];
  const revised = reviseGoal(base, { ...c.goal_changes, constraints });
  if (!revised.ok) throw new Error(`constraint case ${c.id}: ${revised.error.message}`);
  return revised.goal;
}

/** Whether a case's checks already hold for the base goal with no constraint: such a case tests the reading, not the design. */
function holdsWithoutConstraint(goal: GoalStatement, c: ConstraintCase): boolean {
  try {
    const out = planDeterministic(goal, { planId: "plan-eval", traceId: "0".repeat(32), version: 1, parentVersion: null, citations: [] });
    if (out.kind !== "plan") return false;
    const terraform = terraformOf(out.plan);
    return terraform.error === undefined && runChecks(c.checks, { plan: out.plan, terraform: terraform.text }).ok;
  } catch {
    return false;
  }
}

/**
 * Runs every constraint case through the real graph and scores it (see scoreConstraintCase):
 * honour rate, false honours, not-understood count, and the SLO rate of the plans it approves.
 */
export async function evalConstraints(
  deps: Deps,
  goalsDir: string,
  cases: readonly ConstraintCase[],
): Promise<ConstraintSuiteSummary & { slo_met_rate: number }> {
  const results: ConstraintCaseResult[] = [];
  const nonDiscriminating: string[] = [];
  let approved = 0;
  let met = 0;
  for (const c of cases) {
    const run = await deps.planner.start({ goal: suiteGoal(goalsDir, c, true), tenant: "eval" });
    results.push(scoreConstraintCase(c, observe(run)));
    if (run.status === "WAIT_FOR_APPROVE" && run.plan) {
      approved++;
      if (meetsOwnSlo(run.plan)) met++;
    }
    if (holdsWithoutConstraint(suiteGoal(goalsDir, c, false), c)) nonDiscriminating.push(c.id);
  }
  return { ...summariseConstraints(results, nonDiscriminating), slo_met_rate: rate(met, approved) };
}
