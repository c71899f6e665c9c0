import type { OverlayBuild } from "../iac/kustomize.js";
import type { KubernetesObject } from "../iac/types.js";
import { ENVIRONMENTS, type Environment, type Finding, type Rule, type RuleContext, type Severity } from "./types.js";

/** A rule with the severity the policy gives it. */
export interface ActiveRule {
  rule: Rule;
  severity: Severity;
}

/**
 * Runs the Kubernetes rules over the objects of each built overlay: what `kubectl apply -k`
 * would send, patches applied. A finding names the overlay (in its message) and the file the
 * object came from; one identical to a finding on the files as written (same rule, file, line,
 * message and object, namespace aside) is left out, so an overlay only adds what its build
 * changed.
 */
export async function overlayFindings(
  overlays: readonly OverlayBuild[],
  rules: readonly ActiveRule[],
  ctx: RuleContext,
  fileFindings: readonly Finding[],
): Promise<Finding[]> {
  const seen = new Set(fileFindings.map(dedupeKey));
  const out: Finding[] = [];
  for (const overlay of overlays) {
    if (!("objects" in overlay)) continue;
    const overlayCtx = contextFor(ctx, overlay.dir, overlay.objects);
    for (const { rule, severity } of rules) {
      if (rule.target !== "kubernetes") continue;
      for (const hit of await rule.check(overlayCtx)) {
        const finding: Finding = {
          rule_id: rule.id,
          aliases: hit.aliases ? rule.aliases.filter((alias) => hit.aliases?.includes(alias)) : [...rule.aliases],
          severity,
          resource: hit.resource,
          file: hit.file,
          line: hit.line,
          message: hit.message,
          remediation: hit.remediation ?? rule.remediation,
          ...(hit.unverified ? { unverified: true as const } : {}),
        };
        const key = dedupeKey(finding);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ...finding, message: `in overlay ${overlay.dir || "."} (built): ${finding.message}` });
      }
    }
  }
  return out;
}

/**
 * The context for one overlay: its objects only (no Terraform, no raw files), and the
 * environment its folder names when it names one. `qa` is judged as `staging` (a
 * pre-production environment; the environments rules know are dev, staging and prod). Any
 * other folder name keeps the caller's environment.
 */
export function contextFor(ctx: RuleContext, dir: string, objects: KubernetesObject[]): RuleContext {
  const name = dir.slice(dir.lastIndexOf("/") + 1);
  const named: Environment | undefined = name === "qa" ? "staging" : ENVIRONMENTS.find((env) => env === name);
  return {
    ...ctx,
    environment: named ?? ctx.environment,
    terraform: { resources: [], dataSources: [], providers: [], variables: [] },
    kubernetes: objects,
    parseErrors: [],
    files: [],
    skipped: [],
    overlays: [],
  };
}

/** Rule, file, line, message and object (`Kind/namespace/name` without the namespace). */
export function dedupeKey(finding: Finding): string {
  const parts = finding.resource.split("/");
  const resource = parts.length === 3 ? `${parts[0]}/${parts[2]}` : finding.resource;
  return JSON.stringify([finding.rule_id, finding.file, finding.line, finding.message, resource]);
}
