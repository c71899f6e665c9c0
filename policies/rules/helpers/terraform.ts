import type { TerraformResource } from "../../../iac/types.js";
import { isInterpolated } from "../../path.js";
import type { RuleContext, RuleHit } from "../../types.js";

/** A value Terraform only knows at plan time (`${var.x}`). Rules never flag what they cannot see. */
export const UNKNOWN = "unknown" as const;

type Attrs = Record<string, unknown>;

/** Managed resources of the given types. */
export function ofType(ctx: RuleContext, ...types: string[]): TerraformResource[] {
  return ctx.terraform.resources.filter((resource) => types.includes(resource.type));
}

/** Nested blocks as a list of objects, whether hcl2json gave a list or `.tf.json` a single object. */
export function blocks(value: unknown): Attrs[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((item): item is Attrs => typeof item === "object" && item !== null && !Array.isArray(item));
}

/** The blocks at a path of block names, e.g. `nested(attrs, "vpc_config")`. */
export function nested(attrs: Attrs, ...names: string[]): Attrs[] {
  let current: Attrs[] = [attrs];
  for (const name of names) current = current.flatMap((item) => blocks(item[name]));
  return current;
}

/** A boolean attribute; `"true"` strings count, as Terraform converts them. */
export function bool(value: unknown): boolean | typeof UNKNOWN | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  if (isInterpolated(value)) return UNKNOWN;
  return undefined;
}

/** A number attribute; numeric strings count. */
export function num(value: unknown): number | typeof UNKNOWN | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (isInterpolated(value)) return UNKNOWN;
  return undefined;
}

/** A string attribute that is a literal, `unknown` when interpolated. */
export function str(value: unknown): string | typeof UNKNOWN | undefined {
  if (typeof value !== "string") return undefined;
  return isInterpolated(value) ? UNKNOWN : value;
}

/** The literal strings of a list attribute (interpolated items dropped). */
export function literals(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === "string" && !isInterpolated(item));
}

/** True when any string inside `value` references `target` (`aws_s3_bucket.logs.id`, `...logs[0].arn`). */
export function references(value: unknown, target: TerraformResource): boolean {
  const name = `${target.mode === "data" ? "data." : ""}${target.type}.${target.name}`;
  const pattern = new RegExp(`(^|[^\\w.-])${name.replace(/\./g, "\\.")}(?![\\w-])`);
  const visit = (item: unknown): boolean => {
    if (typeof item === "string") return item.includes("${") && pattern.test(item);
    if (Array.isArray(item)) return item.some(visit);
    if (typeof item === "object" && item !== null) return Object.values(item).some(visit);
    return false;
  };
  return visit(value);
}

/**
 * Resources of `types` in the same module as `target` whose `attribute` points at it, by
 * reference or by the same literal value of `targetAttribute` (e.g. a bucket name).
 */
export function linkedTo(ctx: RuleContext, target: TerraformResource, types: string[], attribute: string, targetAttribute?: string): TerraformResource[] {
  const literal = targetAttribute ? str(target.attributes[targetAttribute]) : undefined;
  return ofType(ctx, ...types).filter(
    (other) =>
      other.module === target.module &&
      (references(other.attributes[attribute], target) ||
        // `for_each = aws_s3_bucket.logs` with `bucket = each.value.id` links through for_each.
        references(other.attributes.for_each, target) ||
        (literal !== undefined && literal !== UNKNOWN && other.attributes[attribute] === literal)),
  );
}

/** A hit located at a resource's block. */
export function hit(resource: TerraformResource, message: string, remediation?: string): RuleHit {
  return { resource: resource.address, file: resource.file, line: resource.line, message, ...(remediation ? { remediation } : {}) };
}

/**
 * A hit for a high-severity check whose deciding `attribute` stays unknown (`value` is the
 * expression left unresolved): the report says it could not verify, it does not pass.
 */
export function cannotVerify(resource: TerraformResource, attribute: string, value: unknown, aliases?: readonly string[]): RuleHit {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return {
    ...hit(
      resource,
      `Cannot verify: ${attribute} is ${shown}, a value not known before apply (a variable with no value, or another resource's attribute).`,
      `Give the value (--var, --var-file, terraform.tfvars) or validate the plan JSON (terraform show -json), where Terraform has resolved it.`,
    ),
    ...(aliases ? { aliases } : {}),
    unverified: true,
  };
}

/**
 * True when `value` (or any string inside it) still holds an unresolved variable or local
 * (`${var.x}`, `${local.y}`): an input nobody gave. References to other resources'
 * attributes (`${aws_vpc.main.cidr_block}`) are not inputs: they are decided by the
 * configuration itself, so they never make a check "cannot verify".
 */
export function unresolvedInput(value: unknown): boolean {
  if (typeof value === "string") return /\$\{[^}]*\b(var|local)\.[\w-]+/.test(value);
  if (Array.isArray(value)) return value.some(unresolvedInput);
  if (typeof value === "object" && value !== null) return Object.values(value).some(unresolvedInput);
  return false;
}

/** A hit that names the aliases its evidence matches (see `RuleHit.aliases`). */
export function hitWith(resource: TerraformResource, aliases: readonly string[], message: string, remediation?: string): RuleHit {
  return { ...hit(resource, message, remediation), aliases };
}
