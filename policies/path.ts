/** One step of an attribute path. */
export type PathSegment = { key: string } | { index: number } | { any: true };

/**
 * Parses `tags.owner`, `spec.template.spec.containers[*].image`, `ingress[0].cidr_blocks`
 * or `metadata.labels["app.kubernetes.io/name"]`. Throws with a readable message when the
 * path is malformed, so a policy file can be rejected with the field named.
 */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const pattern = /\.?([A-Za-z0-9_$-]+)|\[(\d+)\]|\[\*\]|\["([^"]*)"\]|\['([^']*)'\]/y;
  let position = 0;
  while (position < path.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(path);
    if (!match || (match[1] !== undefined && position > 0 && !match[0].startsWith("."))) {
      throw new Error(`cannot parse path "${path}" at character ${position + 1}`);
    }
    if (match[1] !== undefined) segments.push({ key: match[1] });
    else if (match[2] !== undefined) segments.push({ index: Number(match[2]) });
    else if (match[3] !== undefined || match[4] !== undefined) segments.push({ key: (match[3] ?? match[4]) as string });
    else segments.push({ any: true });
    position = pattern.lastIndex;
  }
  if (segments.length === 0) throw new Error("path is empty");
  return segments;
}

/** What a path leads to: the values found, and whether an unevaluated expression hid some. */
export interface Resolved {
  values: unknown[];
  unknown: boolean;
}

/** True for Terraform expressions that were not evaluated (`${var.x}`, `${merge(...)}`). */
export function isInterpolated(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/**
 * Follows a path into parsed data. Lists are crossed implicitly when the next step is a
 * key, because Terraform nested blocks are lists of objects (`versioning.enabled` reads
 * `versioning[*].enabled`). Missing values are simply absent from the result.
 */
export function resolvePath(root: unknown, segments: PathSegment[]): Resolved {
  let current: unknown[] = [root];
  let unknown = false;
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (isInterpolated(value)) {
        unknown = true;
        continue;
      }
      if ("index" in segment) {
        if (Array.isArray(value) && segment.index < value.length) next.push(value[segment.index]);
      } else if ("any" in segment) {
        if (Array.isArray(value)) next.push(...value);
      } else if (Array.isArray(value)) {
        for (const item of value) if (isObject(item) && segment.key in item) next.push(item[segment.key]);
      } else if (isObject(value) && segment.key in value) {
        next.push(value[segment.key]);
      }
    }
    current = next;
  }
  return { values: current.filter((value) => value !== null && value !== undefined), unknown };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
