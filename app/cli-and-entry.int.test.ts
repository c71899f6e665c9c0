import { existsSync, readdirSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../lib/db/database.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { childEnv, compiledEntry, runTs } from "../test/helpers/processes.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";

const goalFile = join(repoRoot, "test/fixtures/goals/web-api-prod.json");
/** A description that leaves the budget, availability and environment out: the run asks for them. */
const UNSTATED = "A small internal reporting service for the finance team in eu-west-1, around 20 requests per second";

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

  it("stops at the approval gate, or applies with --approve as the CLI identity, with its audit rows", { timeout: TWO_PLAN_RUNS_MS }, async () => {
    const env = childEnv({ ATLAS_DATA_DIR: dataDir, ATLAS_SEED_DOCS: "off", LOG_LEVEL: "warn" });
    const waiting = await runTs("app/cli/plan.ts", [goalFile, "--json"], env);
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(JSON.parse(waiting.stdout).status).toBe("WAIT_FOR_APPROVE");

    // the CLI has no key: it approves as cli:<OS user>, and --approver is the note
    const identity = `cli:${userInfo().username}`;
    const applied = await runTs("app/cli/plan.ts", [goalFile, "--approve", "--approver", "Jane", "--json"], env);
    expect(applied.code, applied.stderr).toBe(0);
    const run = JSON.parse(applied.stdout);
    expect(run.status).toBe("DONE");
    expect(run.applied.approver).toBe(identity);
    expect(run.decision).toMatchObject({ decision: "approve", approver: identity, approver_key_id: null, approver_note: "Jane" });
    expect(existsSync(join(dataDir, "gitops", run.applied.path, "terraform"))).toBe(true);

    // the processes have exited: the embedded database is free to open here
    const db = await openDatabase({ dataDir });
    try {
      const audit = await db.pool.query<{ action: string; actor_key_id: string | null; actor_name: string; detail: Record<string, unknown> }>(
        "select action, actor_key_id, actor_name, detail from atlas_audit where target = $1 order by id",
        [run.thread_id],
      );
      expect(audit.rows.map((row) => row.action)).toEqual(["approval.approve", "apply"]);
      for (const row of audit.rows) expect(row).toMatchObject({ actor_key_id: null, actor_name: identity });
      expect(audit.rows[0]?.detail).toMatchObject({ approver: identity, status: "DONE" });
      expect(audit.rows[1]?.detail).toMatchObject({ commit: run.applied.commit });
      const started = await db.pool.query<{ created_by: string | null }>("select created_by from atlas_runs where thread_id = $1", [run.thread_id]);
      expect(started.rows[0]?.created_by).toBe(identity);
    } finally {
      await db.close();
    }
  });

  it("plans a description in plain language: prints its questions, or answers them in the same invocation", { timeout: TWO_PLAN_RUNS_MS }, async () => {
    const env = childEnv({ ATLAS_DATA_DIR: dataDir, ATLAS_SEED_DOCS: "off", LOG_LEVEL: "warn" });
    const asked = await runTs("app/cli/plan.ts", [UNSTATED], env);
    expect(asked.code, asked.stderr).toBe(0);
    const thread = asked.stdout.match(/^thread (\S+) {2}status WAIT_FOR_ANSWER$/m)?.[1];
    expect(thread, asked.stdout).toBeDefined();
    expect(asked.stdout).toMatch(/^ {2}budget\.monthly_usd +\S.* \(default: \d+\)$/m);
    expect(asked.stdout).toContain(`answer: pnpm answer ${thread} --answer PATH=VALUE ... | --accept-defaults`);

    const answered = await runTs("app/cli/plan.ts", [UNSTATED, "--answer", "budget.monthly_usd=1500", "--accept-defaults", "--json"], env);
    expect(answered.code, answered.stderr).toBe(0);
    const run = JSON.parse(answered.stdout);
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(run.plan.cost.budget_usd).toBe(1500);
    expect(run.reading.answers).toMatchObject({ "budget.monthly_usd": 1500, by: `cli:${userInfo().username}` });
  });

  it("refuses bad usage with exit 2 before opening the database", async () => {
    const env = childEnv({ ATLAS_DATA_DIR: join(dataDir, "unused"), ATLAS_SEED_DOCS: "off", LOG_LEVEL: "warn" });
    const [usage, badGoal, missing, badAnswer] = await Promise.all([
      runTs("app/cli/plan.ts", [goalFile, "--approver", "erin"], env),
      runTs("app/cli/plan.ts", [join(repoRoot, "package.json")], env),
      runTs("app/cli/plan.ts", ["no-such-goal.json"], env),
      runTs("app/cli/plan.ts", [UNSTATED, "--answer", "budget"], env),
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--approver is a note on --approve");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no-such-goal.json: no such file");
    expect(badAnswer.code).toBe(2);
    expect(badAnswer.stderr).toContain("is not PATH=VALUE");
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
    for (const command of ["keys", "migrate", "ingest", "search", "plan", "runs", "approve", "answer", "validate"])
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
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
