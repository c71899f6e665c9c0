import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, runTs } from "../test/helpers/processes.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";

const goalFile = join(repoRoot, "test/fixtures/goals/web-api-prod.json");

describe("pnpm plan (real process, embedded database)", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = makeTmpDir("atlas-plan-cli-");
  });
  afterAll(() => removeTmpDir(dataDir));

  it("stops at the approval gate, or applies with --approve", async () => {
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

    const usage = await runTs("app/cli/plan.ts", [goalFile, "--approve"], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--approver");
    const badGoal = await runTs("app/cli/plan.ts", [join(repoRoot, "package.json")], env);
    expect(badGoal.code).toBe(2);
    expect(badGoal.stderr).toContain("environment");
  });
});

describe("langgraph.json", () => {
  it("names graphs whose files exist and export the named compiled graph", async () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "langgraph.json"), "utf8")) as { graphs: Record<string, string> };
    expect(Object.keys(manifest.graphs).length).toBeGreaterThan(0);
    const dataDir = makeTmpDir("atlas-langgraph-");
    try {
      for (const [name, target] of Object.entries(manifest.graphs)) {
        const [path, symbol] = target.split(":") as [string, string];
        expect(existsSync(join(repoRoot, path)), `${name}: ${path}`).toBe(true);
        const probe = `const m = await import(${JSON.stringify(join(repoRoot, path))}); const g = m[${JSON.stringify(symbol)}]; console.log(JSON.stringify({ invoke: typeof g?.invoke, nodes: Object.keys(g?.nodes ?? {}) })); process.exit(0);`;
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
