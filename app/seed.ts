import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ingestPaths } from "../ingest/ingest.js";
import { hasDocuments } from "../rag/store/documents.js";
import type { Deps } from "./deps.js";

/** Ingests the sample runbooks when the store holds no document, so the first question has answers. */
export async function seedRunbooks(deps: Deps): Promise<void> {
  const folder = deps.config.ATLAS_SEED_DOCS;
  if (folder === "off") return;
  if (await hasDocuments(deps.db.pool)) return;
  const path = resolve(folder);
  if (!existsSync(path)) {
    deps.log.warn({ path }, "runbook store is empty and the seed folder does not exist; skipping seed");
    return;
  }
  const summary = await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder, log: deps.log }, [path]);
  deps.log.info({ added: summary.added, chunks: summary.chunks, seconds: summary.seconds }, `seeded runbooks from ${folder}`);
}
