import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { childEnv, compiledEntry, runTs } from "../test/helpers/processes.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";

const goalFile = join(repoRoot, "test/fixtures/goals/web-api-prod.json");

// Two real `pnpm plan` runs on the embedded database take ~22 s on an idle machine and several
// times that on a loaded one; the cap is generous because the test waits for the processes to
// exit (the condition), not for a time.
const TWO_PLAN_RUNS_MS = 600_000;

/** A folder for data directories that usage errors must never create. */
let scratch: string;
beforeAll(() => {
  scratch = makeTmpDir("atlas-cli-usage-");
});
afterAll(() => removeTmpDir(scratch));

describe("pnpm plan (real process, embedded database)", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = makeTmpDir("atlas-plan-cli-");
  });
  afterAll(() => removeTmpDir(dataDir));

  it("stops at the approval gate, or applies with --approve", { timeout: TWO_PLAN_RUNS_MS }, async () => {
    const env = childEnv({ ATLAS_DATA_DIR: dataDir, ATLAS_SEED_DOCS: "off", LOG_LEVEL: "warn" });
    const waiting = await runTs("app/cli/plan.ts", [goalFile, "--json"], env);
    expect(waiting.code).toBe(0);
    expect(JSON.parse(waiting.stdout).status).toBe("WAIT_FOR_APPROVE");

    const applied = await runTs("app/cli/plan.ts", [goalFile, "--approve", "--approver", "erin", "--json"], env);
    expect(applied.code).toBe(0);
    const run = JSON.parse(applied.stdout);
    expect(run.status).toBe("DONE");
    expect(run.applied.approver).toBe("erin");
    expect(existsSync(join(dataDir, "gitops", run.applied.path, "terraform"))).toBe(true);
  });

  it("refuses bad usage with exit 2 before opening the database", async () => {
    const env = childEnv({ ATLAS_DATA_DIR: join(dataDir, "unused"), ATLAS_SEED_DOCS: "off", LOG_LEVEL: "warn" });
    const [usage, badGoal] = await Promise.all([
      runTs("app/cli/plan.ts", [goalFile, "--approve"], env),
      runTs("app/cli/plan.ts", [join(repoRoot, "package.json")], env),
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--approver");
    expect(badGoal.code).toBe(2);
    expect(badGoal.stderr).toContain("environment");
    expect(existsSync(join(dataDir, "unused"))).toBe(false);
  });
});

describe("--help prints the usage and does nothing else", () => {
  let database: NativeTestDatabase;
  beforeAll(async () => {
    database = await nativeTestDatabase();
  });
  afterAll(() => database?.drop());

  const migrationsTable = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<{ table: string | null }>("select to_regclass('atlas_migrations')::text as table")).rows[0]?.table ?? null;
    } finally {
      await client.end();
    }
  };

  it("pnpm migrate --help applies no migration", async () => {
    const env = childEnv({ DATABASE_URL: database.url, LOG_LEVEL: "warn" });
    const help = await runTs("app/cli/migrate.ts", ["--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: pnpm migrate\n/);
    expect(help.stderr).toBe("");
    expect(await migrationsTable()).toBeNull();
    // the check can see a migration: without --help the same command creates the table
    // (and stops at the vector migration, which this machine's PostgreSQL cannot run)
    await runTs("app/cli/migrate.ts", [], env);
    expect(await migrationsTable()).toBe("atlas_migrations");
  });

  it("pnpm bench --help starts no benchmark and writes no result", async () => {
    const results = join(repoRoot, "bench", "results");
    const before = existsSync(results) ? readdirSync(results) : [];
    const help = await runTs("bench/run.ts", ["--help"], childEnv({ NATIVE_DATABASE_URL: "off" }));
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: pnpm bench \[--quick\] \[--sizes [^\]]+\]\n/);
    expect(help.stdout).not.toContain("wrote ");
    expect(existsSync(results) ? readdirSync(results) : []).toEqual(before);
  });

  it("pnpm eval bogus exits 2 with the usage; pnpm eval --help exits 0", async () => {
    const env = childEnv({ ATLAS_DATA_DIR: join(scratch, "eval") });
    const [bogus, help] = await Promise.all([runTs("evals/run.ts", ["bogus"], env), runTs("evals/run.ts", ["--help"], env)]);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('unknown evaluation "bogus"');
    expect(bogus.stderr).toContain("usage: pnpm eval");
    expect(bogus.stdout).toBe("");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: pnpm eval/);
    expect(existsSync(join(scratch, "eval"))).toBe(false);
  });
});

describe("atlas <command>", () => {
  it("lists the commands for --help and runs one, with its own usage, by name", async () => {
    const env = childEnv({ ATLAS_DATA_DIR: join(scratch, "atlas") });
    const [help, none, unknown, keysHelp, validate] = await Promise.all([
      runTs("app/cli/atlas.ts", ["--help"], env),
      runTs("app/cli/atlas.ts", [], env),
      runTs("app/cli/atlas.ts", ["frobnicate"], env),
      runTs("app/cli/atlas.ts", ["keys", "--help"], env),
      runTs("app/cli/atlas.ts", ["validate", join(repoRoot, "test/fixtures/iac/clean-stack"), "--bogus"], env),
    ]);
    expect(help.code).toBe(0);
    for (const command of ["keys", "migrate", "ingest", "search", "plan", "validate"]) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("usage: atlas <command>");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(keysHelp.code).toBe(0);
    expect(keysHelp.stdout).toMatch(/^usage: atlas keys <command>/);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain("unknown option --bogus");
    expect(existsSync(join(scratch, "atlas"))).toBe(false);
  });
});

describe("langgraph.json", () => {
  it("names graphs whose files exist and export the named compiled graph", { timeout: 300_000 }, async () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "langgraph.json"), "utf8")) as { graphs: Record<string, string> };
    expect(Object.keys(manifest.graphs).length).toBeGreaterThan(0);
    const dataDir = makeTmpDir("atlas-langgraph-");
    try {
      for (const [name, target] of Object.entries(manifest.graphs)) {
        const [path, symbol] = target.split(":") as [string, string];
        expect(existsSync(join(repoRoot, path)), `${name}: ${path}`).toBe(true);
        // the compiled module when the test run built one (the same exports, without tsx transpiling the graph)
        const probe = `const m = await import(${JSON.stringify(compiledEntry(path) ?? join(repoRoot, path))}); const g = m[${JSON.stringify(symbol)}]; console.log(JSON.stringify({ invoke: typeof g?.invoke, nodes: Object.keys(g?.nodes ?? {}) })); process.exit(0);`;
        const result = await runTs("--eval", [probe], childEnv({ ATLAS_DATA_DIR: dataDir, ATLAS_SEED_DOCS: "off", LOG_LEVEL: "warn" }));
        const exported = JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}");
        expect(exported.invoke, `${name} exports ${symbol}`).toBe("function");
        expect(exported.nodes).toEqual(expect.arrayContaining(["architect", "builder", "validator", "approval", "apply", "rollback"]));
      }
    } finally {
      removeTmpDir(dataDir);
    }
  });
});
