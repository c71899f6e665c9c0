import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../lib/db/database.js";
import { childEnv, compiledEntry, runTs } from "../test/helpers/processes.js";
import { copyFixtureRunbooks, makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";

/** langgraph.json as `langgraphjs dev` reads it (the fields Atlas sets). */
interface Manifest {
  graphs: Record<string, string>;
  env?: string | Record<string, string> | string[];
}

const manifest = JSON.parse(readFileSync(join(repoRoot, "langgraph.json"), "utf8")) as Manifest;
const entry = manifest.graphs.planner?.split(":")[0] ?? "";

/** Every file under `folder`, relative to it with `/` separators (the form the store keeps as `source`). */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((item) => item.isFile())
    .map((item) => relative(folder, join(item.parentPath, item.name)).split("\\").join("/"))
    .sort();
}

describe("langgraph.json", () => {
  it("names no file a fresh clone lacks, and gives its environment inline", () => {
    for (const [name, target] of Object.entries(manifest.graphs)) {
      const path = target.split(":")[0] ?? "";
      expect(existsSync(join(repoRoot, path)), `${name}: ${path}`).toBe(true);
    }
    // a string names an env file (`.env` is git-ignored, so a clone has none); a list is refused by the CLI
    expect(typeof manifest.env === "string" || Array.isArray(manifest.env)).toBe(false);
    for (const value of Object.values(manifest.env ?? {})) expect(typeof value).toBe("string");
  });
});

describe("app/langgraph-entry.ts", () => {
  // one embedded-database start in the child and one here to read what it wrote
  it("seeds the sample runbooks into an empty store, as `pnpm start` does", { timeout: 300_000 }, async () => {
    const scratch = makeTmpDir("atlas-langgraph-seed-");
    try {
      const dataDir = join(scratch, "data");
      const seedDocs = copyFixtureRunbooks(scratch);
      // the compiled module when the test run built one (the same code, without tsx transpiling the graph)
      const probe = `await import(${JSON.stringify(compiledEntry(entry) ?? join(repoRoot, entry))}); process.exit(0);`;
      const result = await runTs("--eval", [probe], childEnv({ ATLAS_DATA_DIR: dataDir, ATLAS_SEED_DOCS: seedDocs, LOG_LEVEL: "warn" }));
      expect(result.code, result.stderr).toBe(0);

      // the child exited without closing: its lock is stale and this open takes it over
      const db = await openDatabase({ dataDir });
      try {
        const { rows } = await db.pool.query<{ source: string }>("select source from rag_documents");
        expect(rows.map((row) => row.source).sort()).toEqual(filesUnder(seedDocs));
      } finally {
        await db.close();
      }
    } finally {
      removeTmpDir(scratch);
    }
  });
});
