import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";
import { makeTmpDir, removeTmpDir, repoRoot } from "./helpers/tmp.js";

// The house's rules, checked on the code itself: the layering (with the rules `pnpm lint` runs in
// CI, from .dependency-cruiser.cjs) and SQL kept with the module that owns its table.

const depcruiseConfig = createRequire(import.meta.url)(join(repoRoot, ".dependency-cruiser.cjs"));
const SOURCE_FOLDERS = [
  "app",
  "server",
  "runs",
  "graph",
  "nodes",
  "tools",
  "ingest",
  "rag",
  "tenants",
  "bus",
  "policies",
  "pricing",
  "iac",
  "schemas",
  "lib",
  "evals",
  "bench",
];

async function violations(folders: string[], baseDir: string): Promise<string[]> {
  const result = await cruise(folders, {
    validate: true,
    ruleSet: { forbidden: depcruiseConfig.forbidden },
    ...depcruiseConfig.options,
    baseDir,
    tsConfig: undefined,
  });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((step) => step.name).join(" → ")})` : ""}`);
}

describe("layering", () => {
  const tmp = makeTmpDir("atlas-layers-");
  afterAll(() => removeTmpDir(tmp));

  it("no module imports a layer above its own, and there is no import cycle", async () => {
    expect(await violations(SOURCE_FOLDERS, repoRoot)).toEqual([]);
  });

  it("the rules catch an upward import and a cycle (checked on a throw-away tree)", async () => {
    const write = (path: string, text: string) => {
      mkdirSync(join(tmp, path, ".."), { recursive: true });
      writeFileSync(join(tmp, path), text);
    };
    write("lib/ground.ts", 'import { route } from "../server/route.js";\nexport const ground = route;\n');
    write("server/route.ts", "export const route = 1;\n");
    write("runs/a.ts", 'import { b } from "./b.js";\nexport const a = () => b;\n');
    write("runs/b.ts", 'import { a } from "./a.js";\nexport const b = () => a;\n');
    const found = await violations(["lib", "server", "runs"], tmp);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^lib-imports-upward: lib\/ground\.ts → server\/route\.ts/),
        expect.stringMatching(/^no-circular: runs\/a\.ts → runs\/b\.ts/),
      ]),
    );
  });
});

/**
 * Which module owns each table's SQL: a file, or a folder ending in `/`. LangGraph's checkpoint
 * tables belong to its PostgresSaver, which Atlas never queries outside tests.
 */
const OWNERS: Record<string, string> = {
  atlas_runs: "runs/registry.ts",
  atlas_events: "bus/outbox.ts",
  atlas_api_keys: "tenants/keys.ts",
  atlas_tenants: "tenants/tenants.ts",
  atlas_audit: "tenants/audit.ts",
  atlas_token_budgets: "tenants/budget/limits.ts",
  atlas_slack_requests: "server/slack/seen-requests.ts",
  atlas_artifacts: "graph/artifact-store.ts",
  atlas_migrations: "lib/db/migrate.ts",
  rag_documents: "rag/store/",
  rag_chunks: "rag/store/",
  rag_terms: "rag/store/",
  rag_corpus: "rag/store/",
  rag_segments: "rag/store/",
  rag_postings: "rag/store/",
  checkpoints: "(LangGraph)",
  checkpoint_writes: "(LangGraph)",
  checkpoint_blobs: "(LangGraph)",
  checkpoint_migrations: "(LangGraph)",
};

/** Tables a SQL text reads or writes: names after FROM, JOIN, INTO, UPDATE, TABLE, EXISTS or REFERENCES. */
function tablesIn(text: string): string[] {
  const names = [...text.matchAll(/\b(?:from|join|into|update|table|exists|references)\s+("?)([a-z_][a-z0-9_]*)\1/gi)].map((m) =>
    (m[2] as string).toLowerCase(),
  );
  return [...new Set(names.filter((name) => name in OWNERS))];
}

const owns = (owner: string, file: string) => (owner.endsWith("/") ? file.startsWith(owner) : file === owner);

function productionFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) productionFiles(path, out);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) out.push(relative(repoRoot, path));
  }
  return out;
}

describe("SQL lives with the module that owns its table", () => {
  const files = SOURCE_FOLDERS.flatMap((folder) => productionFiles(join(repoRoot, folder)));

  it("finds table names in SQL, not in prose or metric names", () => {
    expect(tablesIn("select id from atlas_runs r join atlas_events e on true")).toEqual(["atlas_runs", "atlas_events"]);
    expect(tablesIn("insert into rag_chunks (x) values (1); update atlas_tenants set y = 1")).toEqual(["rag_chunks", "atlas_tenants"]);
    expect(tablesIn('delete from "atlas_audit" where id = $1')).toEqual(["atlas_audit"]);
    expect(tablesIn("atlas_runs_by_status counts runs; the atlas_runs registry")).toEqual([]);
  });

  it("no production module (harnesses included) writes SQL naming a table another module owns", () => {
    const strays = files.flatMap((file) =>
      tablesIn(readFileSync(join(repoRoot, file), "utf8"))
        .filter((table) => !owns(OWNERS[table] as string, file))
        .map((table) => `${file} names ${table} (owned by ${OWNERS[table]})`),
    );
    expect(strays).toEqual([]);
  });

  it("each owner really holds SQL for its table", () => {
    for (const [table, owner] of Object.entries(OWNERS)) {
      if (owner.startsWith("(")) continue;
      const holders = files.filter((file) => owns(owner, file) && tablesIn(readFileSync(join(repoRoot, file), "utf8")).includes(table));
      expect(holders, `${table} in ${owner}`).not.toEqual([]);
    }
  });
});
