import type pg from "pg";
import { LOCK_KEYS } from "../../lib/db/advisory-lock.js";
import { withTransaction } from "../../lib/db/transaction.js";
import { type LexicalTerms, lexicalVector } from "../lexical.js";
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

/** Replaces one document and its chunks in a single transaction, keeping term statistics in step. */
export async function writeDocument(pool: pg.Pool, collection: string, doc: PreparedDocument, avgdl: number): Promise<void> {
  const rows = doc.chunks.map((chunk) => ({
    ordinal: chunk.ordinal,
    heading_path: chunk.heading_path,
    line_start: chunk.line_start,
    line_end: chunk.line_end,
    content: chunk.content,
    term_count: chunk.terms.length,
    term_ids: [...chunk.terms.tf.keys()],
    lexical: lexicalVector(chunk.terms, avgdl),
    embedding: chunk.embedding ? vectorLiteral(chunk.embedding) : null,
  }));
  await withTransaction(pool, async (client) => {
    // Serialises writers so document-frequency updates never interleave or deadlock.
    await client.query("select pg_advisory_xact_lock($1)", [LOCK_KEYS.ingest]);
    await removeDocument(client, collection, doc.file.source);
    const { rows: inserted } = await client.query<Pick<DocumentRow, "id">>(
      `insert into rag_documents (collection, source, content_hash, title, bytes, chunk_count)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [collection, doc.file.source, doc.file.contentHash, doc.title, doc.file.bytes, rows.length],
    );
    const documentId = (inserted[0] as Pick<DocumentRow, "id">).id;
    await client.query(
      `insert into rag_chunks (document_id, ordinal, heading_path, line_start, line_end, content, term_count, term_ids, lexical, embedding)
       select $1, r.ordinal, r.heading_path, r.line_start, r.line_end, r.content, r.term_count, r.term_ids,
              r.lexical::sparsevec, r.embedding::vector
       from jsonb_to_recordset($2::jsonb) as r(ordinal int, heading_path text[], line_start int, line_end int,
            content text, term_count int, term_ids int[], lexical text, embedding text)`,
      [documentId, JSON.stringify(rows)],
    );
    await client.query(
      `insert into rag_terms (term_id, df)
       select t, count(*) from (select unnest(term_ids) as t from rag_chunks where document_id = $1) s
       group by t order by t
       on conflict (term_id) do update set df = rag_terms.df + excluded.df`,
      [documentId],
    );
    await client.query("update rag_corpus set chunk_count = chunk_count + $1, term_total = term_total + $2", [
      rows.length,
      rows.reduce((sum, row) => sum + row.term_count, 0),
    ]);
  });
}

/** Deletes a document inside the caller's transaction, taking its terms out of the statistics. */
async function removeDocument(client: pg.PoolClient, collection: string, source: string): Promise<boolean> {
  const { rows } = await client.query<Pick<DocumentRow, "id">>("select id from rag_documents where collection = $1 and source = $2", [collection, source]);
  const id = rows[0]?.id;
  if (!id) return false;
  await client.query(
    `update rag_terms set df = rag_terms.df - s.n
     from (select unnest(term_ids) as t, count(*) as n from rag_chunks where document_id = $1 group by 1 order by 1) s
     where rag_terms.term_id = s.t`,
    [id],
  );
  await client.query(
    `update rag_corpus set chunk_count = chunk_count - s.n, term_total = term_total - s.total
     from (select count(*) as n, coalesce(sum(term_count), 0) as total from rag_chunks where document_id = $1) s`,
    [id],
  );
  await client.query("delete from rag_documents where id = $1", [id]);
  return true;
}

/** Deletes one document in its own transaction; false when it was not stored. */
export async function deleteDocument(pool: pg.Pool, collection: string, source: string): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    await client.query("select pg_advisory_xact_lock($1)", [LOCK_KEYS.ingest]);
    return removeDocument(client, collection, source);
  });
}

/** Deletes the documents of `collection` whose source is not in `present`; returns how many went. */
export async function pruneCollection(pool: pg.Pool, collection: string, present: Set<string>): Promise<number> {
  const { rows } = await pool.query<Pick<DocumentRow, "source">>("select source from rag_documents where collection = $1", [collection]);
  let pruned = 0;
  for (const { source } of rows) {
    if (present.has(source)) continue;
    if (await deleteDocument(pool, collection, source)) pruned++;
  }
  return pruned;
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
