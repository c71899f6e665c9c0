import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { compareStrings } from "../iac/read-folder.js";
import { AtlasError, type FieldIssue } from "../lib/errors.js";
import { defaultOrgPolicy, type OrgPolicy, type OrgPolicyFile, orgPolicyFileSchema } from "./org-policy-schema.js";
import { builtinRules } from "./rules/index.js";

/** One policy file's content and where it came from (used in error messages). */
export interface PolicySource {
  source: string;
  data: unknown;
}

/**
 * Reads every `*.yaml` / `*.yml` file in `dir` (sorted by name) and merges them over the
 * defaults: scalars (`fail_on`) take the last file's value, maps (`severity_overrides`,
 * `replicas`) merge key by key, lists (`disable`, `required_labels`, `allowed_*`,
 * `custom_rules`) are concatenated. A list set by any file replaces the default list.
 * Throws a VALIDATION_FAILED {@link AtlasError} naming the file and field path.
 */
export async function loadOrgPolicy(dir: string): Promise<OrgPolicy> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /\.ya?ml$/i.test(name)).sort(compareStrings);
  } catch (cause) {
    throw new AtlasError("VALIDATION_FAILED", `Cannot read policy folder ${dir}: ${(cause as Error).message}`, { cause });
  }
  if (names.length === 0) throw new AtlasError("VALIDATION_FAILED", `No *.yaml policy files in ${dir}`);
  const sources: PolicySource[] = [];
  for (const name of names) {
    const source = join(dir, name);
    const doc = parseDocument(await readFile(source, "utf8"), { prettyErrors: true });
    const [error] = doc.errors;
    if (error) {
      const line = error.linePos?.[0].line;
      throw invalid(source, [{ path: line ? `line ${line}` : "(file)", message: (error.message.split("\n")[0] ?? "").trim() }]);
    }
    sources.push({ source, data: doc.toJS() ?? {} });
  }
  return mergeOrgPolicy(sources);
}

/** Validates and merges policy documents already in memory (see {@link loadOrgPolicy}). */
export function mergeOrgPolicy(sources: PolicySource[]): OrgPolicy {
  const files: { source: string; file: OrgPolicyFile }[] = sources.map(({ source, data }) => {
    const parsed = orgPolicyFileSchema.safeParse(data);
    if (!parsed.success) {
      throw invalid(
        source,
        parsed.error.issues.flatMap((issue) =>
          // Name the misspelt field itself rather than its parent.
          issue.code === "unrecognized_keys"
            ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: "unknown field" }))
            : [{ path: formatPath(issue.path), message: issue.message }],
        ),
      );
    }
    return { source, file: parsed.data };
  });
  const policy = defaultOrgPolicy();
  const touched = new Set<string>();
  const list = <K extends "disable" | "required_labels" | "allowed_regions" | "allowed_instance_types">(key: K, add: string[] | undefined) => {
    if (!add) return;
    const current = touched.has(key) ? (policy[key] ?? []) : [];
    touched.add(key);
    policy[key] = [...new Set([...current, ...add])];
  };
  for (const { source, file } of files) {
    if (file.fail_on) policy.fail_on = file.fail_on;
    list("disable", file.disable);
    list("required_labels", file.required_labels);
    list("allowed_regions", file.allowed_regions);
    list("allowed_instance_types", file.allowed_instance_types);
    Object.assign(policy.severity_overrides, file.severity_overrides ?? {});
    for (const [env, range] of Object.entries(file.replicas ?? {}) as [keyof OrgPolicy["replicas"], NonNullable<OrgPolicy["replicas"]["prod"]>][]) {
      policy.replicas[env] = { ...policy.replicas[env], ...range };
    }
    policy.custom_rules.push(...(file.custom_rules ?? []));
    if (file.conventions) policy.conventions = { ...policy.conventions, ...file.conventions };
    policy.sources.push(source);
  }
  checkRuleReferences(files);
  return policy;
}

/** `disable` and `severity_overrides` must name real rules: a typo would silently do nothing. */
function checkRuleReferences(files: { source: string; file: OrgPolicyFile }[]): void {
  const known = new Set(builtinRules.flatMap((rule) => [rule.id, ...rule.aliases]));
  const builtinIds = new Set(builtinRules.map((rule) => rule.id));
  const customIds = new Map<string, string>();
  for (const { source, file } of files) {
    (file.custom_rules ?? []).forEach((rule, index) => {
      const path = `custom_rules[${index}].id`;
      if (builtinIds.has(rule.id)) throw invalid(source, [{ path, message: `"${rule.id}" is a built-in rule id` }]);
      const other = customIds.get(rule.id);
      if (other) throw invalid(source, [{ path, message: `"${rule.id}" is already defined in ${other}` }]);
      customIds.set(rule.id, source);
      known.add(rule.id);
    });
  }
  for (const { source, file } of files) {
    const issues: FieldIssue[] = [];
    (file.disable ?? []).forEach((id, index) => {
      if (!known.has(id)) issues.push({ path: `disable[${index}]`, message: `unknown rule id "${id}"` });
    });
    for (const id of Object.keys(file.severity_overrides ?? {})) {
      if (!known.has(id)) issues.push({ path: `severity_overrides.${id}`, message: `unknown rule id "${id}"` });
    }
    if (issues.length > 0) throw invalid(source, issues);
  }
}

function invalid(source: string, issues: FieldIssue[]): AtlasError {
  const detail = issues.map((issue) => `${source}: ${issue.path}: ${issue.message}`).join("\n");
  return new AtlasError("VALIDATION_FAILED", `Invalid organisation policy:\n${detail}`, { issues, details: { file: source } });
}

/** `["custom_rules", 0, "condition"]` → `custom_rules[0].condition` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return "(root)";
  return path.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : `${index === 0 ? "" : "."}${String(segment)}`)).join("");
}
