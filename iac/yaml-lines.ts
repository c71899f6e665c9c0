import { isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";

/**
 * Maps JSON pointers (`/spec/template/spec/containers/0`) to the 1-based line of the
 * corresponding map key or list item, so a finding can point at the field it is about.
 */
export function lineIndex(node: Node | null, counter: LineCounter): Record<string, number> {
  const out: Record<string, number> = {};
  walk(node, "", counter, out);
  return out;
}

function walk(node: Node | null, pointer: string, counter: LineCounter, out: Record<string, number>): void {
  if (!node) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      if (key === null) continue;
      const child = `${pointer}/${escapePointer(key)}`;
      const offset = (pair.key as Node).range?.[0];
      if (offset !== undefined) out[child] = counter.linePos(offset).line;
      walk(pair.value as Node | null, child, counter, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const child = `${pointer}/${index}`;
      const offset = (item as Node | null)?.range?.[0];
      if (offset !== undefined) out[child] = counter.linePos(offset).line;
      walk(item as Node | null, child, counter, out);
    });
  }
}

/** RFC 6901: `~` becomes `~0` and `/` becomes `~1` (label keys such as `app.kubernetes.io/name`). */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The JSON pointer for a path of keys and indexes. */
export function toPointer(path: ReadonlyArray<string | number>): string {
  return path.map((segment) => `/${escapePointer(String(segment))}`).join("");
}
