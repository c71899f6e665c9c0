import type pg from "pg";
import { LOCK_KEYS } from "../../lib/db/advisory-lock.js";
import { withTransaction } from "../../lib/db/transaction.js";
import type { LexicalTerms } from "../lexical.js";
import { buildSegment, packTermStats, unpackTermStats } from "../postings.js";
import { createSegment, markDead, writePostings } from "./postings.js";
import type { DocumentRow } from "./rows.js";
import { vectorLiteral } from "./vectors.js";

/** A chunk ready to write: analysed terms and, with an embedder, its vector. */
export interface PreparedChunk {
  ordinal: number;
  heading_path: string[];
  line_start: number;
  line_end: number;
  content: string;
  terms: LexicalTerms;
  embedding: number[] | null;
}

/** A file ready to write, chunked and analysed before any transaction opens. */
export interface PreparedDocument {
  /** what the store keeps of the file itself (ingest's `SourceFile` has these and more) */
  file: { source: string; contentHash: string; bytes: number };
  title: string | null;
  chunks: PreparedChunk[];
}

/**
 * Replaces documents and their chunks in one transaction, as one new index segment, keeping
 * term statistics in step: set-based writes (a few statements per batch, not per document),
 * document frequencies aggregated over the batch. Chunk ids are taken from the sequence up
 * front so the segment's postings can name them.
 */
export async function writeDocuments(pool: pg.Pool, collection: string, docs: readonly PreparedDocument[], avgdl: number): Promise<void> {
  if (docs.length === 0) return;
  const chunkTotal = docs.reduce((sum, doc) => sum + doc.chunks.length, 0);
  await withTransaction(pool, async (client) => {
    // Serialises writers so document-frequency updates never interleave or deadlock.
    await client.query("select pg_advisory_xact_lock($1)", [LOCK_KEYS.ingest]);
    await removeDocuments(
      client,
      collection,
      docs.map((doc) => doc.file.source),
    );
    const { rows: inserted } = await client.query<Pick<DocumentRow, "id" | "source">>(
      `insert into rag_documents (collection, source, content_hash, title, bytes, chunk_count)
       select $1, d.source, d.hash, d.title, d.bytes, d.chunks
       from unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::int[]) as d(source, hash, title, bytes, chunks)
       returning id, source`,
      [
        collection,
        docs.map((doc) => doc.file.source),
        docs.map((doc) => doc.file.contentHash),
        docs.map((doc) => doc.title),
        docs.map((doc) => doc.file.bytes),
        docs.map((doc) => doc.chunks.length),
      ],
    );
    const documentIds = new Map(inserted.map((row) => [row.source, row.id]));
    const { rows: ids } = await client.query<{ id: string }>("select nextval('rag_chunks_id_seq') as id from generate_series(1, $1)", [chunkTotal]);
    const segment = await createSegment(client, chunkTotal);
    const chunks = docs.flatMap((doc) => doc.chunks.map((chunk) => ({ doc, chunk })));
    // Term statistics travel as one binary parameter, each chunk's slice named by offset and length.
    const stats = chunks.map(({ chunk }) => packTermStats(chunk.terms));
    let offset = 0;
    const rows = chunks.map(({ doc, chunk }, i) => {
      const length = (stats[i] as Buffer).length;
      const row = {
        id: (ids[i] as { id: string }).id,
        document_id: documentIds.get(doc.file.source),
        ordinal: chunk.ordinal,
        heading_path: chunk.heading_path,
        line_start: chunk.line_start,
        line_end: chunk.line_end,
        content: chunk.content,
        term_count: chunk.terms.length,
        stats_at: offset,
        stats_length: length,
        embedding: chunk.embedding ? vectorLiteral(chunk.embedding) : null,
      };
      offset += length;
      return row;
    });
    await client.query(
      `insert into rag_chunks (id, document_id, ordinal, heading_path, line_start, line_end, content, term_count, segment, term_stats, embedding)
       select r.id, r.document_id, r.ordinal, r.heading_path, r.line_start, r.line_end, r.content, r.term_count,
              $2, substring($3::bytea from r.stats_at + 1 for r.stats_length), r.embedding::vector
       from jsonb_to_recordset($1::jsonb) as r(id bigint, document_id bigint, ordinal int, heading_path text[], line_start int, line_end int,
            content text, term_count int, stats_at int, stats_length int, embedding text)`,
      [JSON.stringify(rows), segment, Buffer.concat(stats)],
    );
    await writePostings(
      client,
      segment,
      buildSegment(
        chunks.map(({ chunk }, i) => ({ id: Number((ids[i] as { id: string }).id), length: chunk.terms.length, tf: chunk.terms.tf })),
        avgdl,
      ),
    );
    const df = new Map<number, number>();
    for (const { chunk } of chunks) for (const termId of chunk.terms.tf.keys()) df.set(termId, (df.get(termId) ?? 0) + 1);
    const terms = [...df.keys()].sort((a, b) => a - b);
    await client.query(
      `insert into rag_terms (term_id, df) select * from unnest($1::int[], $2::int[])
       on conflict (term_id) do update set df = rag_terms.df + excluded.df`,
      [terms, terms.map((termId) => df.get(termId))],
    );
    await client.query("update rag_corpus set chunk_count = chunk_count + $1, term_total = term_total + $2", [
      chunkTotal,
      rows.reduce((sum, row) => sum + row.term_count, 0),
    ]);
  });
}

/**
 * Deletes documents inside the caller's transaction, taking their terms out of the statistics.
 * Their chunks leave the index's segments as dead entries, counted for the next rebuild.
 */
async function removeDocuments(client: pg.PoolClient, collection: string, sources: string[]): Promise<number> {
  const { rows } = await client.query<Pick<DocumentRow, "id">>("select id from rag_documents where collection = $1 and source = any($2::text[])", [
    collection,
    sources,
  ]);
  const ids = rows.map((row) => row.id);
  if (ids.length === 0) return 0;
  // Document frequencies lose one per chunk holding the term, counted from the chunks' own statistics.
  const { rows: gone } = await client.query<{ term_stats: Buffer | null }>("select term_stats from rag_chunks where document_id = any($1::bigint[])", [ids]);
  const df = new Map<number, number>();
  for (const row of gone) if (row.term_stats) for (const termId of unpackTermStats(row.term_stats).ids) df.set(termId, (df.get(termId) ?? 0) + 1);
  const terms = [...df.keys()].sort((a, b) => a - b);
  await client.query(
    `update rag_terms set df = rag_terms.df - s.n
     from unnest($1::int[], $2::int[]) as s(t, n) where rag_terms.term_id = s.t`,
    [terms, terms.map((termId) => df.get(termId))],
  );
  await client.query(
    `update rag_corpus set chunk_count = chunk_count - s.n, term_total = term_total - s.total
     from (select count(*) as n, coalesce(sum(term_count), 0) as total from rag_chunks where document_id = any($1::bigint[])) s`,
    [ids],
  );
  await markDead(client, ids);
  await client.query("delete from rag_documents where id = any($1::bigint[])", [ids]);
  return ids.length;
}

/** Deletes one document in its own transaction; false when it was not stored. */
export async function deleteDocument(pool: pg.Pool, collection: string, source: string): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    await client.query("select pg_advisory_xact_lock($1)", [LOCK_KEYS.ingest]);
    return (await removeDocuments(client, collection, [source])) > 0;
  });
}

/** Deletes the documents of `collection` whose source is not in `present`; returns how many went. */
export async function pruneCollection(pool: pg.Pool, collection: string, present: Set<string>): Promise<number> {
  const { rows } = await pool.query<Pick<DocumentRow, "source">>("select source from rag_documents where collection = $1", [collection]);
  const gone = rows.map((row) => row.source).filter((source) => !present.has(source));
  if (gone.length === 0) return 0;
  return withTransaction(pool, async (client) => {
    await client.query("select pg_advisory_xact_lock($1)", [LOCK_KEYS.ingest]);
    return removeDocuments(client, collection, gone);
  });
}

/** Source → content hash of every stored document of a collection, to skip unchanged files. */
export async function documentHashes(pool: pg.Pool, collection: string): Promise<Map<string, string>> {
  const { rows } = await pool.query<Pick<DocumentRow, "source" | "content_hash">>("select source, content_hash from rag_documents where collection = $1", [
    collection,
  ]);
  return new Map(rows.map((row) => [row.source, row.content_hash]));
}

/** Whether the store holds any document at all (the first start seeds an empty one). */
export async function hasDocuments(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ any: boolean }>("select exists (select 1 from rag_documents) as any");
  return rows[0]?.any === true;
}
