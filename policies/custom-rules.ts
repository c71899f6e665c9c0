import type { TerraformResource } from "../iac/types.js";
import type { CustomRuleSpec } from "./org-policy-schema.js";
import { isInterpolated, type PathSegment, parsePath, resolvePath } from "./path.js";
import { isObj, k8sHit } from "./rules/helpers/kubernetes.js";
import { hit } from "./rules/helpers/terraform.js";
import type { Rule, RuleContext, RuleHit } from "./types.js";

/**
 * Turns a declarative rule from a policy file into a {@link Rule}. The rule raises a
 * finding when its condition does not hold; values Terraform only knows at plan time
 * (`${...}`) never cause a finding, except that they do satisfy `exists`.
 */
export function customRule(spec: CustomRuleSpec): Rule {
  const segments = parsePath(spec.target === "terraform" ? spec.attribute : spec.path);
  const scope = spec.target === "terraform" ? spec.resource_type : spec.kind;
  const targets = new Set(Array.isArray(scope) ? scope : [scope]);
  return {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    aliases: spec.aliases,
    target: spec.target,
    remediation: spec.remediation,
    check(ctx) {
      const hits: RuleHit[] = [];
      if (spec.target === "terraform") {
        for (const resource of ctx.terraform.resources.filter((r) => targets.has(r.type))) {
          const problem = evaluate(spec, effectiveAttributes(ctx, resource, segments), segments);
          if (problem) hits.push(hit(resource, `${spec.message} (${spec.attribute} ${problem})`));
        }
      } else {
        for (const object of ctx.kubernetes.filter((o) => targets.has(o.kind))) {
          const problem = evaluate(spec, object.object, segments);
          const path = segments.map((s) => ("key" in s ? s.key : "index" in s ? s.index : 0));
          if (problem) hits.push(k8sHit(object, `${spec.message} (${spec.path} ${problem})`, path));
        }
      }
      return hits;
    },
  };
}

/**
 * Resource attributes with the AWS provider's `default_tags` merged under `tags`, because
 * those tags end up on the resource even though its block does not mention them.
 */
function effectiveAttributes(ctx: RuleContext, resource: TerraformResource, segments: PathSegment[]): Record<string, unknown> {
  const first = segments[0];
  if (!first || !("key" in first) || first.key !== "tags" || !resource.type.startsWith("aws_")) return resource.attributes;
  const defaults = ctx.terraform.providers
    .filter((p) => p.type === "aws")
    .flatMap((p) => (Array.isArray(p.attributes.default_tags) ? p.attributes.default_tags : [p.attributes.default_tags]))
    .map((block) => (isObj(block) && isObj(block.tags) ? block.tags : {}));
  const own = resource.attributes.tags;
  if (defaults.length === 0 || (own !== undefined && !isObj(own))) return resource.attributes;
  return { ...resource.attributes, tags: Object.assign({}, ...defaults, own ?? {}) };
}

/** Describes why the condition fails, or returns null when it holds. */
function evaluate(spec: CustomRuleSpec, root: unknown, segments: PathSegment[]): string | null {
  const { values, unknown } = resolvePath(root, segments);
  const known = values.filter((value) => !isInterpolated(value));
  const expected = spec.value;
  const same = (a: unknown, b: unknown) => a === b || (isScalar(a) && isScalar(b) && String(a) === String(b));
  const show = (value: unknown) => JSON.stringify(value);
  switch (spec.condition) {
    case "exists":
      return values.length > 0 || unknown ? null : "is missing";
    case "not_exists":
      return values.length > 0 ? `is set to ${show(values[0])}` : null;
    case "equals":
    case "in":
    case "matches": {
      if (values.length === 0) return unknown ? null : "is missing";
      const ok = (value: unknown) =>
        spec.condition === "equals"
          ? same(value, expected)
          : spec.condition === "in"
            ? (expected as unknown[]).some((item) => same(value, item))
            : new RegExp(String(expected)).test(String(value));
      const bad = known.find((value) => !ok(value));
      return bad === undefined ? null : `is ${show(bad)}`;
    }
    case "not_equals":
    case "not_in": {
      const forbidden = spec.condition === "not_equals" ? [expected] : (expected as unknown[]);
      const bad = known.find((value) => forbidden.some((item) => same(value, item)));
      return bad === undefined ? null : `is ${show(bad)}`;
    }
  }
}

function isScalar(value: unknown): boolean {
  return ["string", "number", "boolean"].includes(typeof value);
}
