import { z } from "zod";

/**
 * A small, declarative check an eval runs on a plan and its rendered Terraform. Cases are
 * written as JSON by people, so the language stays tiny: a Terraform text test or one plan
 * path compared one way. Why not code: the suite must be readable next to the constraint it
 * tests, and the same check must mean the same thing for every planner.
 */
const OPERATORS = ["equals", "not_equals", "one_of", "matches", "not_matches", "at_least", "at_most", "includes"] as const;

const terraformContains = z.object({ terraform_contains: z.string().min(1) }).strict();
const terraformLacks = z.object({ terraform_lacks: z.string().min(1) }).strict();
const terraformMatches = z.object({ terraform_matches: z.string().min(1) }).strict();
const planPath = z
  .object({
    /** dot path into the PlanSpec; a number indexes an array, `*` means every element (and there must be at least one) */
    plan_path: z.string().min(1),
    equals: z.unknown().optional(),
    not_equals: z.unknown().optional(),
    one_of: z.array(z.unknown()).optional(),
    /** a regular expression the value (as a string) must match */
    matches: z.string().optional(),
    not_matches: z.string().optional(),
    /** a number at least this, or an array at least this long */
    at_least: z.number().optional(),
    at_most: z.number().optional(),
    /** an array holding this value */
    includes: z.unknown().optional(),
  })
  .strict()
  .refine((c) => OPERATORS.some((op) => op in c), { message: `a plan_path check needs one of: ${OPERATORS.join(", ")}` });

export const checkSchema = z.union([terraformContains, terraformLacks, terraformMatches, planPath]);
export type Check = z.infer<typeof checkSchema>;

/** What a check is run against: the plan as JSON and every Terraform file joined. */
export interface CheckTarget {
  plan: unknown;
  terraform: string;
}

/** A check's verdict, with what was seen when it failed. */
export interface CheckResult {
  ok: boolean;
  check: string;
  saw?: string;
}

/**
 * Collapses every run of whitespace to one space. The builder aligns `=` in HCL blocks, so a
 * case written as `cpu_architecture = "ARM64"` must match `cpu_architecture    = "ARM64"`.
 */
export function squeeze(text: string): string {
  return text.replace(/\s+/g, " ");
}

/** Values at a dot path; `*` fans out over an array. Missing steps give no values. */
export function valuesAt(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const step of path.split(".")) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step === "*") {
        if (Array.isArray(value)) next.push(...value);
      } else if (value !== null && typeof value === "object" && step in value) {
        next.push((value as Record<string, unknown>)[step]);
      }
    }
    current = next;
  }
  return current;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const size = (value: unknown) => (Array.isArray(value) ? value.length : typeof value === "number" ? value : Number.NaN);
const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** Whether one value passes every operator the check names. */
function valuePasses(check: z.infer<typeof planPath>, value: unknown): boolean {
  if ("equals" in check && !same(value, check.equals)) return false;
  if ("not_equals" in check && same(value, check.not_equals)) return false;
  if (check.one_of && !check.one_of.some((option) => same(value, option))) return false;
  if (check.matches !== undefined && !new RegExp(check.matches).test(text(value))) return false;
  if (check.not_matches !== undefined && new RegExp(check.not_matches).test(text(value))) return false;
  if (check.at_least !== undefined && !(size(value) >= check.at_least)) return false;
  if (check.at_most !== undefined && !(size(value) <= check.at_most)) return false;
  if ("includes" in check && !(Array.isArray(value) && value.some((item) => same(item, check.includes)))) return false;
  return true;
}

/** Runs one check. A plan path that names nothing fails: a missing field is not a pass. */
export function runCheck(check: Check, target: CheckTarget): CheckResult {
  const label = JSON.stringify(check);
  if ("terraform_contains" in check) return { ok: squeeze(target.terraform).includes(squeeze(check.terraform_contains)), check: label };
  if ("terraform_lacks" in check) return { ok: !squeeze(target.terraform).includes(squeeze(check.terraform_lacks)), check: label };
  if ("terraform_matches" in check) return { ok: new RegExp(check.terraform_matches).test(target.terraform), check: label };
  const values = valuesAt(target.plan, check.plan_path);
  const ok = values.length > 0 && values.every((value) => valuePasses(check, value));
  return ok ? { ok, check: label } : { ok, check: label, saw: values.length ? JSON.stringify(values).slice(0, 200) : "nothing at that path" };
}

/** Runs every check; the failures say what was expected and what was there. */
export function runChecks(checks: readonly Check[], target: CheckTarget): { ok: boolean; failed: CheckResult[] } {
  const failed = checks.map((check) => runCheck(check, target)).filter((result) => !result.ok);
  return { ok: failed.length === 0, failed };
}
