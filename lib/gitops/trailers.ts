/** A commit's trailers as git itself parses them (only the message's last paragraph), by key. */
export type Trailers = Map<string, string[]>;

/** Parses the block `git log --format=%(trailers:only,unfold)` prints. */
export function parseTrailers(block: string): Trailers {
  const found: Trailers = new Map();
  for (const line of block.split("\n")) {
    const at = line.indexOf(": ");
    if (at > 0) found.set(line.slice(0, at), [...(found.get(line.slice(0, at)) ?? []), line.slice(at + 2)]);
  }
  return found;
}

/** The single value of a trailer, or undefined when it is absent or repeated. */
export function one(found: Trailers, key: string): string | undefined {
  const values = found.get(key) ?? [];
  return values.length === 1 ? values[0] : undefined;
}

/** `git log` arguments that print each commit as `<hash>\0<trailers>\x1e`; read the output with `commitsWithTrailers`. */
export const TRAILER_LOG_FORMAT = "--format=%H%x00%(trailers:only,unfold)%x1e";

/** Splits `git log` output printed with TRAILER_LOG_FORMAT into commits and their trailers, in log order. */
export function commitsWithTrailers(out: string): { commit: string; trailers: Trailers }[] {
  return out
    .split("\x1e")
    .map((entry) => entry.trim().split("\x00"))
    .filter((parts): parts is [string, string] => Boolean(parts[0]))
    .map(([commit, block = ""]) => ({ commit, trailers: parseTrailers(block) }));
}
