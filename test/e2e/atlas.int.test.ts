import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, finished, freePort, run, runTs, spawnTs, stopChild, waitForOk } from "../helpers/processes.js";
import { fixtureRunbooksDir, makeTmpDir, removeTmpDir } from "../helpers/tmp.js";

/** Each test starts real tsx processes on the embedded database: on a loaded 2-core machine that takes minutes, not seconds. */
const PROCESS_TEST_TIMEOUT_MS = 300_000;

// End to end: the real CLIs and the real server as child processes on a temporary data
// folder (embedded PGlite), talking real HTTP. No model is configured (extractive mode).

let dataDir: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess | undefined;
let serverOutput: ReturnType<typeof finished> | undefined;
let baseUrl: string;

beforeAll(() => {
  dataDir = makeTmpDir("atlas-e2e-");
  env = childEnv({ ATLAS_DATA_DIR: dataDir, LOG_LEVEL: "warn", ATLAS_SEED_DOCS: "off" });
});
afterAll(async () => {
  await stopChild(server);
  await serverOutput;
  removeTmpDir(dataDir);
});

describe("CLI usage errors exit 2 before touching the database", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it.each([
    ["app/cli/ingest.ts", [], /usage: pnpm ingest/],
    ["app/cli/ingest.ts", ["/no/such/folder"], /no such file or folder: \/no\/such\/folder/],
    ["app/cli/ingest.ts", ["--collection"], /--collection needs a value/],
    ["app/cli/search.ts", [], /usage: pnpm run search/],
    ["app/cli/search.ts", ["disk", "--top-k", "0"], /--top-k must be a whole number from 1 to 100/],
    // an unknown flag is an error, not silently ignored
    ["app/cli/search.ts", ["disk", "--topk", "1"], /unknown option --topk\nusage: pnpm run search/],
    ["app/cli/ingest.ts", ["docs", "--colection", "ops"], /unknown option --colection\nusage: pnpm ingest/],
    ["app/cli/keys.ts", ["list", "--roles", "admin"], /--roles does not apply to "list"\nusage: pnpm keys/],
  ])("%s %j", async (script, args, message) => {
    const result = await runTs(script, args, childEnv({ ATLAS_DATA_DIR: join(dataDir, "unused") }));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(join(dataDir, "unused"))).toBe(false);
  });
});

describe("CLI --help prints the usage on stdout, exits 0 and opens no database", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it.each([
    ["app/cli/ingest.ts", /^usage: pnpm ingest/],
    ["app/cli/search.ts", /^usage: pnpm run search/],
    ["app/cli/plan.ts", /^usage: pnpm plan/],
    ["app/cli/keys.ts", /^usage: pnpm keys/],
    ["app/cli/migrate.ts", /^usage: pnpm migrate/],
    ["app/cli/validate.ts", /pnpm validate <dir \| plan\.json>/],
    ["app/cli/schemas.ts", /^usage: pnpm schemas/],
  ])("%s --help", async (script, usage) => {
    const result = await runTs(script, ["--help"], childEnv({ ATLAS_DATA_DIR: join(dataDir, "unused") }));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(usage);
    expect(result.stderr).toBe("");
    expect(existsSync(join(dataDir, "unused"))).toBe(false);
  });
});

describe("ingest, search and serve on one data folder", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it("the ingest CLI prints a JSON summary of the first run", async () => {
    const result = await runTs("app/cli/ingest.ts", [fixtureRunbooksDir, "--json"], env);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      files_seen: 5,
      added: 5,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      pruned: 0,
      collections: ["runbooks"],
      skipped_files: [],
    });
    expect(summary.chunks).toEqual(expect.any(Number));
    expect(summary.chunks as number).toBeGreaterThanOrEqual(5);
  });

  it("a second run finds everything unchanged", async () => {
    const result = await runTs("app/cli/ingest.ts", [fixtureRunbooksDir, "--json"], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ files_seen: 5, added: 0, updated: 0, unchanged: 5, chunks: 0 });
  });

  it("the search script prints ranked hits as JSON", async () => {
    // `pnpm search` is shadowed by pnpm's own `search` (npm registry search), so the
    // package script must be reached through `pnpm run`.
    const result = await run("pnpm", ["--silent", "run", "search", "replication lag on the replica", "--json", "--all-chunks"], env);
    expect(result.code).toBe(0);
    const hits = JSON.parse(result.stdout) as { source: string; score: number; line_start: number; line_end: number }[];
    expect(hits.length).toBeGreaterThan(1);
    expect(hits[0]?.source).toBe("databases/postgres-replication-lag.md");
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(hits[i]?.score ?? 0);
    for (const hit of hits) {
      expect(hit).not.toHaveProperty("content");
      expect(hit.line_start).toBeLessThanOrEqual(hit.line_end);
    }
  });

  it("the server answers a cited question over real HTTP", async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawnTs("app/main.ts", [], { ...env, PORT: String(port) });
    serverOutput = finished(server);
    await waitForOk(`${baseUrl}/healthz`, server);

    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);

    // the first start created an admin key and wrote it where scripts read it
    const key = readFileSync(join(dataDir, "admin.key"), "utf8").trim();
    const response = await fetch(`${baseUrl}/architect/advice`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ question: "A Kubernetes pod is in CrashLoopBackOff and was OOMKilled. What do I do?" }),
    });
    expect(response.status).toBe(200);
    const advice = (await response.json()) as { answer: string; grounded: boolean; mode: string; citations: { id: number; source: string }[] };
    expect(advice).toMatchObject({ grounded: true, mode: "extractive" });
    expect(advice.citations[0]?.source).toBe("compute/kube-pod-crashlooping.md");
    const ids = new Set(advice.citations.map((citation) => citation.id));
    const markers = [...advice.answer.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));
    expect(markers.length).toBeGreaterThan(0);
    for (const marker of markers) expect(ids.has(marker)).toBe(true);
    expect(advice.answer).toMatch(/OOMKilled|memory limit/);
  });

  it("a second server on the same data folder exits non-zero saying it is in use", async () => {
    expect(server?.exitCode).toBeNull();
    const port = await freePort();
    const result = await runTs("app/main.ts", [], { ...env, PORT: String(port) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/is in use by process \d+/);
    // The first server is unharmed.
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  it("the server shuts down cleanly on SIGTERM and releases the data folder", async () => {
    await stopChild(server);
    const output = await serverOutput;
    expect(output?.code).toBe(0);
    expect(existsSync(join(dataDir, "pgdata.lock"))).toBe(false);
  });
});
