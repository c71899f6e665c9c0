import type pg from "pg";
import { AtlasError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import type { Embedder } from "../rag/embedder.js";
import { indexedText, lexicalTerms } from "../rag/lexical.js";
import { backfillEmbeddings } from "../rag/reembed.js";
import { maintainIndex } from "../rag/reindex.js";
import { checkpoint, clearEmbeddings, corpusState, dropUnusedTerms, recordEmbeddingModel, setWeightsAvgdl } from "../rag/store/corpus.js";
import { deleteDocument, documentHashes, type PreparedDocument, pruneCollection, writeDocuments } from "../rag/store/documents.js";
import { chunkDocument, documentTitle } from "./chunker.js";
import { readSourceRoot, type SkippedFile, type SourceFile } from "./files.js";

export interface IngestDeps {
  pool: pg.Pool;
  embedder: Embedder | null;
  log?: Logger;
  /** Run CHECKPOINT after writing (the embedded database, whose WAL otherwise grows with every bulk load). */
  checkpoint?: boolean;
}

/** A batch ends at this many files or this many bytes of text, whichever comes first. */
const BATCH_FILES = 500;
const BATCH_BYTES = 4 * 1024 * 1024;

/** Splits files into write batches. */
function* batches(files: SourceFile[]): Generator<SourceFile[]> {
  let batch: SourceFile[] = [];
  let bytes = 0;
  for (const file of files) {
    batch.push(file);
    bytes += file.bytes;
    if (batch.length >= BATCH_FILES || bytes >= BATCH_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length) yield batch;
}

export interface IngestOptions {
  /** Collection name for every path given; default: each folder's base name. */
  collection?: string | undefined;
  /** Remove documents of the collection whose files are gone. */
  prune?: boolean;
  /** Drop every stored vector and embed all chunks again (after changing EMBEDDING_MODEL). */
  reembed?: boolean;
  /** Called after each file is handled, for progress display. */
  onProgress?: (done: number, total: number, source: string) => void;
}

/** What one ingestion run did. */
export interface IngestSummary {
  files_seen: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  pruned: number;
  chunks: number;
  seconds: number;
  reweighted: boolean;
  /** chunks embedded after the files were written (backfill or --reembed) */
  embedded: number;
  skipped_files: (SkippedFile & { collection: string })[];
  collections: string[];
}

function prepare(file: SourceFile): PreparedDocument {
  const title = file.markdown ? documentTitle(file.text) : null;
  const chunks = chunkDocument(file.text, { markdown: file.markdown }).map((chunk, ordinal) => ({
    ordinal,
    heading_path: chunk.headingPath,
    line_start: chunk.lineStart,
    line_end: chunk.lineEnd,
    content: chunk.content,
    terms: lexicalTerms(indexedText({ title, source: file.source, headingPath: chunk.headingPath, content: chunk.content })),
    embedding: null as number[] | null,
  }));
  return { file, title, chunks };
}

/** Refuses to mix vectors of two embedding models in one store. */
function checkEmbeddingModel(stored: string | null, embedder: Embedder | null): void {
  if (embedder && stored && stored !== embedder.model) {
    throw new AtlasError(
      "CONFLICT",
      `The runbook store holds embeddings from "${stored}" but EMBEDDING_MODEL is "${embedder.model}". ` +
        `Run "pnpm ingest --reembed" to re-embed every chunk, or set EMBEDDING_MODEL=${stored}.`,
    );
  }
}

/**
 * Ingests files and folders into the runbook store. Unchanged files (same content hash)
 * are skipped; a changed file is replaced in one transaction; a file that cannot be read
 * is reported and skipped without stopping the run.
 */
export async function ingestPaths(deps: IngestDeps, paths: string[], options: IngestOptions = {}): Promise<IngestSummary> {
  const started = performance.now();
  const summary: IngestSummary = {
    files_seen: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    pruned: 0,
    chunks: 0,
    seconds: 0,
    reweighted: false,
    embedded: 0,
    skipped_files: [],
    collections: [],
  };
  if (options.reembed) {
    if (!deps.embedder) throw new AtlasError("VALIDATION_FAILED", "--reembed needs OPENAI_API_KEY (an embedding model) to be set");
    await clearEmbeddings(deps.pool);
  }
  const corpus = await corpusState(deps.pool);
  checkEmbeddingModel(corpus.embedding_model, deps.embedder);
  const roots = await Promise.all(paths.map((path) => readSourceRoot(path, { collection: options.collection })));
  const total = roots.reduce((sum, root) => sum + root.files.length + root.skipped.length, 0);
  let done = 0;
  let avgdl = corpus.weights_avgdl;

  for (const root of roots) {
    summary.collections.push(root.collection);
    summary.files_seen += root.files.length + root.skipped.length;
    summary.skipped += root.skipped.length;
    summary.skipped_files.push(...root.skipped.map((file) => ({ ...file, collection: root.collection })));
    const known = await documentHashes(deps.pool, root.collection);
    const changed = root.files.filter((file) => known.get(file.source) !== file.contentHash);
    summary.unchanged += root.files.length - changed.length;
    done += root.skipped.length + root.files.length - changed.length;
    // Batches of files are chunked, analysed and written one after another, so memory holds one
    // batch, not the corpus, and each batch is a few set-based statements.
    for (const batch of batches(changed)) {
      const prepared = batch.map(prepare);
      if (avgdl === null) {
        // First ingest into an empty store: weight with the first batch's average length; the
        // drift check at the end recomputes every weight if the rest of the corpus differs.
        const lengths = prepared.flatMap((doc) => doc.chunks.map((chunk) => chunk.terms.length));
        avgdl = lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : null;
        if (avgdl !== null) await setWeightsAvgdl(deps.pool, avgdl);
      }
      if (deps.embedder) await embedChunks(deps.pool, deps.embedder, prepared);
      const writable = prepared.filter((doc) => doc.chunks.length > 0);
      await writeDocuments(deps.pool, root.collection, writable, avgdl ?? 1);
      for (const doc of prepared) {
        if (doc.chunks.length === 0) {
          // The file now holds nothing to index: its previous version must not stay searchable.
          if (known.has(doc.file.source)) await deleteDocument(deps.pool, root.collection, doc.file.source);
          summary.skipped++;
          summary.skipped_files.push({ source: doc.file.source, reason: "no text to index", collection: root.collection });
        } else {
          if (known.has(doc.file.source)) summary.updated++;
          else summary.added++;
          summary.chunks += doc.chunks.length;
        }
        options.onProgress?.(++done, total, doc.file.source);
      }
    }
  }
  if (options.prune) {
    // Per collection, after every path: with --collection several paths share one, and
    // pruning after each path would delete the documents of the others.
    const present = new Map<string, Set<string>>();
    for (const root of roots) {
      const sources = present.get(root.collection) ?? new Set<string>();
      for (const file of root.files) sources.add(file.source);
      present.set(root.collection, sources);
    }
    for (const [collection, sources] of present) summary.pruned += await pruneCollection(deps.pool, collection, sources);
  }
  summary.reweighted = await maintainIndex(deps.pool);
  await dropUnusedTerms(deps.pool);
  // A bulk load leaves the embedded database's write-ahead log long; a checkpoint lets it go.
  if (deps.checkpoint && summary.chunks > 0) await checkpoint(deps.pool);
  if (deps.embedder) summary.embedded = await backfillEmbeddings(deps.pool, deps.embedder);
  summary.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  deps.log?.info({ ingest: { ...summary, skipped_files: undefined } }, "ingest finished");
  return summary;
}

async function embedChunks(pool: pg.Pool, embedder: Embedder, documents: PreparedDocument[]): Promise<void> {
  const chunks = documents.flatMap((doc) => doc.chunks.map((chunk) => ({ doc, chunk })));
  if (chunks.length === 0) return;
  const vectors = await embedder.embed(
    chunks.map(({ doc, chunk }) => indexedText({ title: doc.title, source: doc.file.source, headingPath: chunk.heading_path, content: chunk.content })),
  );
  chunks.forEach(({ chunk }, i) => {
    chunk.embedding = vectors[i] ?? null;
  });
  await recordEmbeddingModel(pool, embedder.model, vectors[0]?.length ?? 0);
}
