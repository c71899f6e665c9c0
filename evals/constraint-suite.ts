import { readFileSync } from "node:fs";
import { z } from "zod";
import { constraintKinds, type PlanConstraint, type PlanSpec } from "../schemas/plan.js";
import { type CheckResult, checkSchema, runChecks, squeeze } from "./checks.js";

/**
 * One phrasing of one constraint: a base goal from evals/goals, the words a user might write,
 * the kind a correct reader files them under, and what must be true of the plan and its
 * Terraform when the constraint is honoured.
 */
export const constraintCaseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    /** a goal file in evals/goals the constraint is added to */
    goal: z.string().endsWith(".json"),
    constraint: z.string().min(1).max(200),
    kind: z.enum(constraintKinds),
    /** phrased as a negation ("not allowed", "don't", "no ...", "without ...") */
    negated: z.boolean().default(false),
    /** when set, the plan must record the constraint as hard (true) or soft (false) */
    hard: z.boolean().optional(),
    /** an honest planner may instead report it not_honoured or BLOCK, with the reason */
    may_block: z.boolean().default(false),
    /** keep the base goal's own constraints (e.g. "use EKS" under an arm64 case); default: the tested constraint alone */
    keep_goal_constraints: z.boolean().default(false),
    /** a JSON Merge Patch applied to the base goal before the constraint is added */
    goal_changes: z.record(z.string(), z.unknown()).default({}),
    checks: z.array(checkSchema).min(1),
    note: z.string().optional(),
  })
  .strict();

export type ConstraintCase = z.infer<typeof constraintCaseSchema>;

export const constraintSuiteSchema = z.object({ about: z.string(), cases: z.array(constraintCaseSchema).min(1) }).strict();

/** Reads and validates a suite file; ids must be unique so failures can be named. */
export function readConstraintSuite(path: string): ConstraintCase[] {
  const suite = constraintSuiteSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  const seen = new Set<string>();
  for (const c of suite.cases) {
    if (seen.has(c.id)) throw new Error(`${path}: case id "${c.id}" appears twice`);
    seen.add(c.id);
  }
  return suite.cases;
}

/**
 * How a case ended. Passing: `honoured` (listed, right kind, every check holds) and `declined`
 * (not_honoured or BLOCKED with a reason, where the case allows it). `false_honour` is the worst
 * failure: the plan says it honoured the constraint and the artifacts show it did not.
 */
export type ConstraintOutcome =
  | "honoured"
  | "declined"
  | "false_honour"
  | "not_understood"
  | "wrong_kind"
  | "wrong_hard"
  | "missing"
  | "declined_not_allowed"
  | "declined_silent"
  | "blocked_silent"
  | "cannot_verify";

const PASSING: ReadonlySet<ConstraintOutcome> = new Set(["honoured", "declined"]);

/** What the eval saw of one run. */
export interface ObservedRun {
  status: string;
  plan: PlanSpec | null;
  /** every Terraform file of the plan, joined; empty without a plan */
  terraform: string;
  /** set when the builder refused the plan: an honoured constraint then cannot be verified */
  terraform_error?: string;
  blocked: { reason: string; arithmetic: string[] } | null;
}

export interface ConstraintCaseResult {
  id: string;
  kind: ConstraintCase["kind"];
  negated: boolean;
  outcome: ConstraintOutcome;
  pass: boolean;
  detail: string;
}

const norm = (text: string) => squeeze(text).trim().toLowerCase();

/** The plan's entry for the constraint: the goal's words, compared without case or spacing. */
export function findEntry(plan: PlanSpec | null, constraint: string): PlanConstraint | undefined {
  const wanted = norm(constraint);
  const entries = plan?.constraints ?? [];
  return entries.find((e) => norm(e.text) === wanted) ?? entries.find((e) => norm(e.text).includes(wanted));
}

/** Whether a BLOCKED rationale names the constraint: its words, or its kind. */
export function blockNames(blocked: NonNullable<ObservedRun["blocked"]>, c: Pick<ConstraintCase, "constraint" | "kind">): boolean {
  const said = norm([blocked.reason, ...blocked.arithmetic].join(" "));
  return said.includes(norm(c.constraint)) || said.includes(c.kind) || said.includes(c.kind.replace("-", " "));
}

const describeFailures = (failed: CheckResult[]) => failed.map((f) => `${f.check}${f.saw ? ` (saw ${f.saw})` : ""}`).join("; ");

function verdict(c: ConstraintCase, outcome: ConstraintOutcome, detail: string): ConstraintCaseResult {
  return { id: c.id, kind: c.kind, negated: c.negated, outcome, pass: PASSING.has(outcome), detail };
}

/** Scores a run whose plan has no entry for the constraint. */
function scoreUnlisted(c: ConstraintCase, run: ObservedRun): ConstraintCaseResult {
  if (run.status !== "BLOCKED" || !run.blocked) return verdict(c, "missing", `plan ${run.plan ? "does not list it" : "absent"} (run ${run.status})`);
  if (!blockNames(run.blocked, c)) return verdict(c, "blocked_silent", `BLOCKED without naming it: ${run.blocked.reason}`);
  return c.may_block ? verdict(c, "declined", `BLOCKED: ${run.blocked.reason}`) : verdict(c, "declined_not_allowed", `BLOCKED: ${run.blocked.reason}`);
}

/**
 * Scores one case. A constraint marked honoured is judged by its checks whatever else is wrong,
 * so a false honour is never hidden behind a wrong kind; one not understood counts as such
 * whatever kind it was filed under.
 */
export function scoreConstraintCase(c: ConstraintCase, run: ObservedRun): ConstraintCaseResult {
  const entry = findEntry(run.plan, c.constraint);
  if (!entry) return scoreUnlisted(c, run);
  if (entry.status === "honoured" && run.terraform_error !== undefined) return verdict(c, "cannot_verify", `builder refused the plan: ${run.terraform_error}`);
  if (entry.status === "honoured") {
    const { ok, failed } = runChecks(c.checks, { plan: run.plan, terraform: run.terraform });
    if (!ok) return verdict(c, "false_honour", `honoured ("${entry.how}") but ${describeFailures(failed)}`);
  }
  // Not understood first: its kind is then "unknown", and the reading, not the filing, is what failed.
  if (entry.status === "not_understood") return verdict(c, "not_understood", `kind ${entry.kind}: ${entry.how}`);
  if (entry.kind !== c.kind) return verdict(c, "wrong_kind", `kind ${entry.kind}, expected ${c.kind}`);
  if (c.hard !== undefined && entry.hard !== c.hard) return verdict(c, "wrong_hard", `hard=${entry.hard}, expected ${c.hard}`);
  if (entry.status === "honoured") return verdict(c, "honoured", entry.how);
  if (!entry.how.trim()) return verdict(c, "declined_silent", "not_honoured with no reason");
  return c.may_block ? verdict(c, "declined", entry.how) : verdict(c, "declined_not_allowed", `not_honoured: ${entry.how}`);
}

/** The suite's rates, as printed and written to the results JSON. */
export interface ConstraintSuiteSummary {
  cases: number;
  honour_rate: number;
  negated_honour_rate: number;
  false_honours: number;
  not_understood: number;
  /** cases whose checks already hold on the base goal without the constraint: they test the reading, not the design */
  non_discriminating: string[];
  by_kind: Record<string, { cases: number; passed: number }>;
  outcomes: Record<string, number>;
  failures: { id: string; outcome: ConstraintOutcome; detail: string }[];
}

const rate = (hits: number, total: number) => Number((total ? hits / total : 1).toFixed(3));

/** Aggregates case results into the printed rates. */
export function summariseConstraints(results: readonly ConstraintCaseResult[], nonDiscriminating: string[]): ConstraintSuiteSummary {
  const byKind: ConstraintSuiteSummary["by_kind"] = {};
  const outcomes: Record<string, number> = {};
  for (const r of results) {
    const k = byKind[r.kind] ?? { cases: 0, passed: 0 };
    k.cases++;
    if (r.pass) k.passed++;
    byKind[r.kind] = k;
    outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  }
  const negated = results.filter((r) => r.negated);
  return {
    cases: results.length,
    honour_rate: rate(results.filter((r) => r.pass).length, results.length),
    negated_honour_rate: rate(negated.filter((r) => r.pass).length, negated.length),
    false_honours: outcomes.false_honour ?? 0,
    not_understood: outcomes.not_understood ?? 0,
    non_discriminating: nonDiscriminating,
    by_kind: byKind,
    outcomes,
    failures: results.filter((r) => !r.pass).map(({ id, outcome, detail }) => ({ id, outcome, detail })),
  };
}
