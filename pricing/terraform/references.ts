import type { TerraformResource } from "../../iac/types.js";

/** What mappers may look at besides the resource itself. */
export interface MapContext {
  /** Every resource in the estimate, for resolving references (task definitions, launch templates). */
  resources: readonly TerraformResource[];
}

/** `module.net.` for `module.net.aws_subnet.a`, "" at the root: references stay inside a module. */
export function modulePrefix(resource: TerraformResource): string {
  const local = `${resource.type}.${resource.name}`;
  // `count` / `for_each` instances end in `[0]` or `["key"]` after the name.
  const address = resource.address.replace(/\[(?:\d+|"(?:[^"\\]|\\.)*")\]$/, "");
  return address.endsWith(local) ? address.slice(0, -local.length) : "";
}

/** The resource name in a reference such as "${aws_launch_template.web.id}", if any. */
export function referencedName(value: unknown, type: string): string | undefined {
  if (typeof value !== "string") return undefined;
  // The guard before the type keeps `data.aws_x.name` (a data source) from matching.
  const match = new RegExp(`(?:^|[^\\w.])${type}\\.([A-Za-z_][\\w-]*)`).exec(value);
  return match?.[1];
}

/**
 * The resource of `type` that `value` points at, in the same module as `from`: by reference,
 * else by `matches` (e.g. a literal family name), else the only one of that type.
 */
export function findRelated(
  ctx: MapContext,
  from: TerraformResource,
  type: string,
  value: unknown,
  matches?: (candidate: TerraformResource) => boolean,
): TerraformResource | undefined {
  const prefix = modulePrefix(from);
  const candidates = ctx.resources.filter((c) => c.type === type && modulePrefix(c) === prefix);
  const name = referencedName(value, type);
  if (name !== undefined) return candidates.find((c) => c.name === name);
  const matched = matches ? candidates.find(matches) : undefined;
  if (matched) return matched;
  return candidates.length === 1 ? candidates[0] : undefined;
}
