import { createHash } from "node:crypto";
import type pg from "pg";
import { makeLru } from "../lib/lru.js";

// The one module that writes SQL against `atlas_artifacts` (migrations/008_artifacts.sql).

/**
 * Build artifacts by content: each file's text under the SHA-256 of its UTF-8 bytes. The graph's
 * state carries only the digests (graph/state.ts `ArtifactManifest`), so checkpoints stay small.
 */
export interface ArtifactStore {
  /**
   * Stores each content under its SHA-256, computed here (a key always matches its content).
   * Idempotent: content already stored is not written again. Resolves once all are durable.
   * @returns the digests, in the order given
   */
  put(contents: readonly string[]): Promise<string[]>;
  /** Contents by SHA-256; a digest the store does not hold is absent from the map. */
  get(digests: readonly string[]): Promise<Map<string, string>>;
}

/** Hex SHA-256 of a text's UTF-8 bytes: an artifact's key. */
export const contentDigest = (content: string) => createHash("sha256").update(content, "utf8").digest("hex");

/**
 * Contents kept in process: what this process wrote or read lately, 16 MiB of UTF-16 at most
 * (a web API's build is about 75 KB: the last hundred or so builds). The validator needs a build
 * only for the moment after the builder; an approval hours later may read it from the table.
 */
const CACHE_LIMITS = { maxEntries: 4_096, maxSize: 16 * 1024 * 1024 };

/**
 * The artifact store on Postgres, with a bounded in-process cache in front: the validator reads
 * what the builder wrote a moment before in the same process without a query (on the embedded
 * database, a query waits behind whatever else holds its one connection, checkpoint writes
 * included), and content this process already stored is not sent again. The cache only ever
 * holds content that is in the table, so it can never answer what the table would not.
 */
export function makeArtifactStore(pool: Pick<pg.Pool, "query">, cacheLimits = CACHE_LIMITS): ArtifactStore {
  const cache = makeLru<string>(cacheLimits);
  const remember = (digest: string, content: string) => cache.set(digest, content, content.length * 2);

  return {
    async put(contents) {
      const digests = contents.map(contentDigest);
      const missing = new Map<string, string>();
      digests.forEach((digest, i) => {
        if (!cache.has(digest)) missing.set(digest, contents[i] as string);
      });
      if (missing.size) {
        const keys = [...missing.keys()];
        const texts = [...missing.values()];
        await pool.query(
          `insert into atlas_artifacts (sha256, content, bytes)
           select * from unnest($1::text[], $2::text[], $3::int[])
           on conflict (sha256) do nothing`,
          [keys, texts, texts.map((text) => Buffer.byteLength(text, "utf8"))],
        );
        for (const [digest, content] of missing) remember(digest, content);
      }
      return digests;
    },

    async get(digests) {
      const found = new Map<string, string>();
      const wanted = new Set<string>();
      for (const digest of digests) {
        const content = cache.get(digest);
        if (content !== undefined) found.set(digest, content);
        else wanted.add(digest);
      }
      if (wanted.size) {
        const { rows } = await pool.query<{ sha256: string; content: string }>("select sha256, content from atlas_artifacts where sha256 = any($1::text[])", [
          [...wanted],
        ]);
        for (const row of rows) {
          found.set(row.sha256, row.content);
          remember(row.sha256, row.content);
        }
      }
      return found;
    },
  };
}
