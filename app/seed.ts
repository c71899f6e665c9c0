import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ingestPaths } from "../ingest/ingest.js";
import { maintainIndex } from "../rag/reindex.js";
import { hasDocuments } from "../rag/store/documents.js";
import type { Deps } from "./deps.js";

/** Brings the runbook index up to date, then ingests the sample runbooks when the store holds no document, so the first question has answers. */
export async function seedRunbooks(deps: Deps): Promise<void> {
  // A store written before the inverted index existed is indexed before the first question.
  await maintainIndex(deps.db.pool);
  const folder = deps.config.ATLAS_SEED_DOCS;
  if (folder === "off") return;
  if (await hasDocuments(deps.db.pool)) return;
  const path = resolve(folder);
  if (!existsSync(path)) {
    deps.log.warn({ path }, "runbook store is empty and the seed folder does not exist; skipping seed");
    return;
  }
  const summary = await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder, log: deps.log, checkpoint: deps.db.kind === "embedded" }, [path]);
  deps.log.info({ added: summary.added, chunks: summary.chunks, seconds: summary.seconds }, `seeded runbooks from ${folder}`);
}
