/**
 * Row shapes of the runbook store's tables (`migrations/001_runbooks.sql`), as `pg` returns
 * them: `bigint` columns arrive as strings.
 */

/** `rag_documents`: one ingested file of a collection. */
export interface DocumentRow {
  id: string;
  collection: string;
  source: string;
  content_hash: string;
  title: string | null;
  bytes: number;
  chunk_count: number;
}

/** `rag_corpus`: the one row of corpus statistics. */
export interface CorpusRow {
  chunk_count: string;
  term_total: string;
  /** average chunk length the stored lexical weights were computed with */
  weights_avgdl: number | null;
  embedding_model: string | null;
  embedding_dims: number | null;
}

/** A chunk with its document's fields, as ranking and re-indexing read it. */
export interface ChunkWithDocument {
  id: string;
  collection: string;
  source: string;
  title: string | null;
  heading_path: string[];
  line_start: number;
  line_end: number;
  content: string;
}

/** A ranked chunk: higher `score` is better (BM25 for the lexical ranking, cosine similarity for the dense one). */
export interface RankedChunk extends ChunkWithDocument {
  score: number;
  /** the term ids the chunk was indexed under */
  term_ids: Uint32Array;
}
