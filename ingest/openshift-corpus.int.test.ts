import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";
import { ingestPaths } from "./ingest.js";

/** The real runbook corpus beside the repository (../shared/evals/openshift-runbooks); read in place. */
const corpus = join(repoRoot, "..", "shared", "evals", "openshift-runbooks");

describe.skipIf(!existsSync(corpus))("ingesting the openshift-runbooks corpus in place", () => {
  let db: Database;
  beforeAll(async () => {
    db = await embeddedTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("ingests every markdown runbook, skips the rest with reasons, and a second run changes nothing", async () => {
    const first = await ingestPaths({ pool: db.pool, embedder: null }, [corpus]);
    const { rows } = await db.pool.query<{ n: number }>(
      "select count(*)::int as n from rag_documents where collection = 'openshift-runbooks' and source like 'alerts/%.md'",
    );
    expect(rows[0]?.n).toBe(272);
    expect(first.skipped_files.length).toBeGreaterThan(0);
    for (const skipped of first.skipped_files) {
      expect(skipped.source.endsWith(".md")).toBe(false);
      expect(skipped.reason.length).toBeGreaterThan(0);
    }
    const second = await ingestPaths({ pool: db.pool, embedder: null }, [corpus]);
    expect(second.added + second.updated).toBe(0);
    expect(second.unchanged).toBe(first.added);
    expect(second.chunks).toBe(0);
  });
});
