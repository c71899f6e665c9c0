import { parseKubernetes } from "../iac/kubernetes.js";
import { buildOverlays } from "../iac/kustomize.js";
import { compareStrings } from "../iac/read-folder.js";
import { parseTerraform, providerRegions, type TerraformParseOptions } from "../iac/terraform.js";
import type { ModuleReport } from "../iac/terraform-modules.js";
import type { IacFile, KubernetesObject, SkippedFile, TerraformResource } from "../iac/types.js";
import { chartFindings, renderCharts } from "./charts.js";
import { customRule } from "./custom-rules.js";
import { defaultOrgPolicy, type OrgPolicy } from "./org-policy-schema.js";
import { overlayFindings } from "./overlays.js";
import { builtinRules } from "./rules/index.js";
import { atLeast, type Environment, type Finding, type Rule, type RuleContext, type RuleHit, SEVERITIES, type Severity } from "./types.js";

/** Options for {@link validateIac}. */
export interface ValidateOptions {
  /** enables environment-aware rules (Multi-AZ and deletion protection in prod, replica bounds) */
  environment?: Environment;
  /** organisation policy; the defaults of {@link defaultOrgPolicy} when absent */
  policy?: OrgPolicy;
  /** how Terraform is parsed: a cache of HCL parse results to use and fill (iac/hcl-cache.ts) */
  terraform?: TerraformParseOptions | undefined;
}

/** Finding counts per severity, plus the total. */
export type SeveritySummary = Record<Severity, number> & { total: number };

/** The outcome of validating a set of files. */
export interface ValidationReport {
  /** FAIL when any finding is at or above the policy's `fail_on` severity */
  status: "PASS" | "FAIL";
  findings: Finding[];
  summary: SeveritySummary;
  resources: TerraformResource[];
  objects: KubernetesObject[];
  /** files deliberately not parsed (Helm templates, kustomize configuration) */
  skipped: SkippedFile[];
  /**
   * AWS regions the default `aws` providers name once evaluated (a literal, a variable with a
   * value, or a plan's provider config), in file order: where to price when the caller names
   * no region.
   */
  regions: string[];
}

/** The rules a policy turns on: built-ins minus `disable`, plus its custom rules. */
export function activeRules(policy: OrgPolicy): Rule[] {
  const disabled = new Set(policy.disable);
  const all = [...builtinRules, ...policy.custom_rules.map(customRule)];
  return all.filter((rule) => !disabled.has(rule.id) && !rule.aliases.some((alias) => disabled.has(alias)));
}

/** A rule's severity after the policy's overrides (its own id first, then any alias). */
export function effectiveSeverity(rule: Rule, policy: OrgPolicy): Severity {
  const overrides = policy.severity_overrides;
  return overrides[rule.id] ?? rule.aliases.map((alias) => overrides[alias]).find((s) => s !== undefined) ?? rule.severity;
}

/**
 * Parses Terraform and Kubernetes files and runs every active rule over them; builds every
 * Kustomize overlay among the files and runs the Kubernetes rules over what each would deploy
 * (policies/overlays.ts); renders every Helm chart once per values file with the renderer of
 * iac/helm-template.ts and runs the Kubernetes rules over its objects (policies/charts.ts). Never
 * throws on bad input files: parse failures become IAC_PARSE_ERROR findings, overlays that cannot
 * be built KUSTOMIZE_BUILD_ERROR or KUSTOMIZE_NOT_BUILT, charts outside the renderer's subset
 * HELM_CHART_NOT_RENDERED. Findings are sorted by
 * file, line, rule id, resource and message, so the same input always gives the same report.
 */
export async function validateIac(files: IacFile[], options: ValidateOptions = {}): Promise<ValidationReport> {
  const policy = options.policy ?? defaultOrgPolicy();
  const terraform = await parseTerraform(files, options.terraform);
  const kubernetes = parseKubernetes(files);
  const ctx: RuleContext = {
    environment: options.environment,
    policy,
    terraform: {
      resources: terraform.resources,
      dataSources: terraform.dataSources,
      providers: terraform.providers,
      variables: terraform.variables,
    },
    kubernetes: kubernetes.objects,
    parseErrors: [...terraform.errors, ...kubernetes.errors],
    files,
    skipped: [...terraform.skipped, ...kubernetes.skipped],
    overlays: buildOverlays(files),
  };
  const findings: Finding[] = [];
  const rules = activeRules(policy).map((rule) => ({ rule, severity: effectiveSeverity(rule, policy) }));
  for (const { rule, severity } of rules) {
    for (const hit of await rule.check(ctx)) {
      findings.push({
        rule_id: rule.id,
        aliases: hitAliases(rule, hit),
        severity,
        resource: hit.resource,
        file: hit.file,
        line: hit.line,
        message: hit.message,
        remediation: hit.remediation ?? rule.remediation,
        ...(hit.unverified ? { unverified: true as const } : {}),
      });
    }
  }
  findings.push(...(await overlayFindings(ctx.overlays ?? [], rules, ctx, findings)));
  findings.push(...(await chartFindings(renderCharts(files, ctx.overlays ?? []), rules, ctx, findings)));
  findings.push(...moduleFindings(terraform.modules, policy));
  findings.sort(compareFindings);
  const summary = Object.fromEntries([...SEVERITIES.map((s) => [s, 0]), ["total", findings.length]]) as SeveritySummary;
  for (const finding of findings) summary[finding.severity]++;
  const failed = findings.some((finding) => atLeast(finding.severity, policy.fail_on));
  return {
    status: failed ? "FAIL" : "PASS",
    findings,
    summary,
    resources: terraform.resources,
    objects: kubernetes.objects,
    skipped: [...terraform.skipped, ...kubernetes.skipped],
    regions: providerRegions(terraform.providers),
  };
}

/**
 * The aliases a finding carries: the hit's own when it names them (only those its evidence
 * matches), else the rule's. A hit naming an alias its rule does not claim is a bug in the rule.
 */
export function hitAliases(rule: Rule, hit: RuleHit): string[] {
  if (!hit.aliases) return [...rule.aliases];
  const stray = hit.aliases.filter((alias) => !rule.aliases.includes(alias));
  if (stray.length > 0) throw new Error(`rule ${rule.id} reported aliases it does not claim: ${stray.join(", ")}`);
  return rule.aliases.filter((alias) => hit.aliases?.includes(alias));
}

/** The id of the finding for a module call whose resources were not read. */
export const MODULE_NOT_EVALUATED = "TF_MODULE_NOT_EVALUATED";

/**
 * One finding per module call that could not be evaluated (registry or git source, folder
 * missing), so a report never says PASS with nothing to show over code it did not read. The
 * policy may disable the id or change its severity like any rule's.
 */
export function moduleFindings(modules: readonly ModuleReport[], policy: OrgPolicy): Finding[] {
  if (policy.disable.includes(MODULE_NOT_EVALUATED)) return [];
  const severity = policy.severity_overrides[MODULE_NOT_EVALUATED] ?? "medium";
  return modules
    .filter((module) => !module.evaluated)
    .map((module) => ({
      rule_id: MODULE_NOT_EVALUATED,
      aliases: [],
      severity,
      resource: module.address,
      file: module.file,
      line: module.line,
      message: `${module.address} (source "${module.source}") was not evaluated: ${module.reason ?? "unknown source"}; resources inside were not checked or priced`,
      remediation:
        "Validate the plan JSON (terraform show -json) to see the module's resources, vendor the module into a local folder, or review it separately.",
    }));
}

/** File, then line (unlocated first), then rule id, resource and message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareStrings(a.rule_id, b.rule_id) ||
    compareStrings(a.resource, b.resource) ||
    compareStrings(a.message, b.message)
  );
}
