import type pg from "pg";
import type { PostingBlock, SegmentPostings } from "../postings.js";
import { unpackIds, unpackWeights } from "../postings.js";

/**
 * The inverted index's tables (`migrations/009_inverted_index.sql`): `rag_segments`, one per
 * ingest batch or rebuild, and `rag_postings`, one row per term per segment.
 */

type Queryable = pg.Pool | pg.PoolClient;

/** Opens a segment of `chunks` chunks; returns its id. */
export async function createSegment(client: Queryable, chunks: number): Promise<string> {
  const { rows } = await client.query<{ id: string }>("insert into rag_segments (chunks) values ($1) returning id", [chunks]);
  return (rows[0] as { id: string }).id;
}

/**
 * Writes a segment's postings, one row per term. The packed arrays travel as two binary
 * parameters (no hex or array-literal parsing), each term's slice named by offset and length.
 */
export async function writePostings(client: Queryable, segment: string, postings: readonly SegmentPostings[]): Promise<void> {
  // Bounded statements: a batch of thousands of chunks has tens of thousands of terms.
  for (let i = 0; i < postings.length; i += 20_000) {
    const part = postings.slice(i, i + 20_000);
    const starts: number[] = [];
    let at = 0;
    for (const p of part) {
      starts.push(at);
      at += p.chunkIds.length;
    }
    await client.query(
      `insert into rag_postings (term_id, segment, chunk_ids, weights, max_weight)
       select p.term_id, $1, substring($2::bytea from p.at + 1 for p.length), substring($3::bytea from p.at + 1 for p.length), p.max_weight
       from unnest($4::int[], $5::int[], $6::int[], $7::real[]) as p(term_id, at, length, max_weight)`,
      [
        segment,
        Buffer.concat(part.map((p) => p.chunkIds)),
        Buffer.concat(part.map((p) => p.weights)),
        part.map((p) => p.termId),
        starts,
        part.map((p) => p.chunkIds.length),
        part.map((p) => p.maxWeight),
      ],
    );
  }
}

/** Counts the chunks of these documents as dead in their segments (call before deleting them). */
export async function markDead(client: Queryable, documentIds: string[]): Promise<void> {
  await client.query(
    `update rag_segments g set dead = g.dead + s.n
     from (select segment, count(*) as n from rag_chunks where document_id = any($1::bigint[]) and segment is not null group by 1) s
     where g.id = s.segment`,
    [documentIds],
  );
}

/** Every posting block of these terms, across all segments. */
export async function readPostings(pool: pg.Pool, termIds: number[]): Promise<{ termId: number; block: PostingBlock }[]> {
  const { rows } = await pool.query<{ term_id: number; chunk_ids: Buffer; weights: Buffer }>(
    "select term_id, chunk_ids, weights from rag_postings where term_id = any($1::int[])",
    [termIds],
  );
  return rows.map((row) => ({ termId: row.term_id, block: { chunkIds: unpackIds(row.chunk_ids), weights: unpackWeights(row.weights) } }));
}

/** The segments and how many of their chunks are gone, for deciding what to rebuild. */
export async function segmentStates(pool: pg.Pool): Promise<{ id: string; chunks: number; dead: number }[]> {
  const { rows } = await pool.query<{ id: string; chunks: number; dead: number }>("select id, chunks, dead from rag_segments order by id");
  return rows;
}

/** Drops segments (their postings go with them); their chunks must already point elsewhere. */
export async function dropSegments(client: Queryable, ids: string[]): Promise<void> {
  await client.query("delete from rag_segments where id = any($1::bigint[])", [ids]);
}

/** The next chunks (by id) of these segments, or of every segment and none, with their term statistics. */
export async function segmentChunks(
  client: Queryable,
  options: { segments: string[] | "all"; afterId: string; limit: number },
): Promise<{ id: string; term_count: number; term_stats: Buffer }[]> {
  const all = options.segments === "all";
  const { rows } = await client.query<{ id: string; term_count: number; term_stats: Buffer }>(
    `select id, term_count, term_stats from rag_chunks
     where id > $1 and ($3::boolean or segment = any($4::bigint[]))
     order by id limit $2`,
    [options.afterId, options.limit, all, all ? [] : options.segments],
  );
  return rows;
}

/** Points chunks at the segment that now indexes them. */
export async function assignSegment(client: Queryable, segment: string, chunkIds: string[]): Promise<void> {
  await client.query("update rag_chunks set segment = $1 where id = any($2::bigint[])", [segment, chunkIds]);
}

/** Every segment's id. */
export async function segmentIds(client: Queryable): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>("select id from rag_segments");
  return rows.map((row) => row.id);
}
