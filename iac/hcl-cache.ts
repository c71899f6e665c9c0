import { createHash } from "node:crypto";
import { makeLru } from "../lib/lru.js";

/** One HCL file parsed: hcl2json's body and where each block starts. Neither depends on the file's path. */
export interface HclParse {
  body: Record<string, unknown>;
  blocks: ReadonlyMap<string, number>;
}

/**
 * Parse results of HCL files by the SHA-256 of their content, so a file validated again unchanged
 * skips the hcl2json WASM module (the largest part of a validation). Only successful parses are
 * kept: an error message names the file's path.
 */
export interface HclParseCache {
  /** A fresh copy of the cached body (the caller may change it; the cache never sees that), or undefined. */
  get(content: string): HclParse | undefined;
  set(content: string, parsed: HclParse): void;
  readonly entries: number;
}

/**
 * Default bounds: a few dozen plans' Terraform (one plan's is 10 to 20 files, 30 to 60 KB), 4 MiB
 * at most. Small on purpose: the builder writes its plan id, version and trace id into every file,
 * so planning itself never validates the same content twice (only a run continued after a crash does).
 */
const DEFAULT_LIMITS = { maxEntries: 512, maxSize: 4 * 1024 * 1024 };

/**
 * A bounded in-process cache of HCL parses. The body is kept as its JSON text (hcl2json's output
 * is plain JSON, so the round trip is exact) and parsed again on each hit: every caller gets its
 * own objects, as from a fresh parse, at the cost of a native `JSON.parse`.
 */
export function makeHclParseCache(limits: { maxEntries: number; maxSize: number } = DEFAULT_LIMITS): HclParseCache {
  const lru = makeLru<{ json: string; blocks: ReadonlyMap<string, number> }>(limits);
  const keyOf = (content: string) => createHash("sha256").update(content, "utf8").digest("hex");
  return {
    get(content) {
      const hit = lru.get(keyOf(content));
      return hit ? { body: JSON.parse(hit.json) as Record<string, unknown>, blocks: hit.blocks } : undefined;
    },
    set(content, parsed) {
      const json = JSON.stringify(parsed.body);
      // UTF-16 code units of the JSON, plus a rough figure per located block
      lru.set(keyOf(content), { json, blocks: new Map(parsed.blocks) }, json.length * 2 + parsed.blocks.size * 64);
    },
    get entries() {
      return lru.entries;
    },
  };
}
