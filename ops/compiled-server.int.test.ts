import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, freePort, run, stopChild, waitForOk } from "../test/helpers/processes.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";

/**
 * What the Dockerfile's build and runtime stages do, without Docker (none runs here): `pnpm
 * build` (scripts/build.mjs: tsc on tsconfig.build.json, migrations and package.json beside the
 * output, the CLI entry executable) from nothing into a folder of its own, link the CLI entry as
 * `atlas`, put the console beside it, and start `node dist/app/main.js` from a folder that holds
 * nothing else of the repository.
 */
describe("the compiled server the image runs", () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let base: string;
  let stderr = "";
  let env: NodeJS.ProcessEnv;
  /** What the CLIs printed before the server started (the embedded database allows one process at a time). */
  const cli: Record<string, Awaited<ReturnType<typeof run>>> = {};

  beforeAll(async () => {
    dir = makeTmpDir("atlas-image-");
    const build = await run(process.execPath, [join(repoRoot, "scripts/build.mjs"), "--out-dir", join(dir, "dist")], childEnv({}));
    expect(build.code, build.stdout + build.stderr).toBe(0);
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
    // as the Dockerfile does: the console's static files beside dist/ (server/routes/console.ts looks there)
    symlinkSync(join(repoRoot, "console"), join(dir, "console"), "dir");
    // as the Dockerfile does: the entry (made executable by the build) linked onto the PATH as `atlas`
    mkdirSync(join(dir, "bin"));
    symlinkSync(join(dir, "dist/app/cli/atlas.js"), join(dir, "bin/atlas"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = childEnv({ ATLAS_DATA_DIR: join(dir, "data"), HOST: "127.0.0.1", PORT: String(port), ATLAS_SEED_DOCS: "off", LOG_LEVEL: "warn" });
    const atlas = (...args: string[]) => run(join(dir, "bin/atlas"), args, { ...env, PATH: `${dirname(process.execPath)}:${env.PATH ?? ""}` }, dir);
    cli.help = await atlas("--help");
    cli.migrate = await atlas("migrate");
    cli.keys = await atlas("keys", "list", "--json");
    cli.validate = await run(process.execPath, ["dist/app/cli/atlas.js", "validate", join(repoRoot, "test/fixtures/iac/planted"), "--json"], env, dir);
    child = spawn(process.execPath, ["dist/app/main.js"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stderr?.on("data", (part: Buffer) => {
      stderr += part.toString("utf8");
    });
    await waitForOk(`${base}/healthz`, child).catch((error: Error) => {
      throw new Error(`${error.message}\n${stderr}`);
    });
  }, 300_000);
  afterAll(async () => {
    await stopChild(child);
    if (dir) removeTmpDir(dir);
  });

  it("runs the CLIs through the compiled `atlas` entry, with no tsx and no pnpm", () => {
    expect(cli.help?.code).toBe(0);
    for (const command of ["keys", "migrate", "ingest", "search", "plan", "validate"]) {
      expect(cli.help?.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
    expect(cli.migrate?.code, cli.migrate?.stderr).toBe(0);
    expect(cli.migrate?.stdout).toMatch(/^applied migrations: 1, /);
    expect(cli.keys?.code, cli.keys?.stderr).toBe(0);
    // before the server's first start no key exists yet
    expect(JSON.parse(cli.keys?.stdout ?? "")).toEqual([]);
    expect(cli.validate?.code).toBe(1);
    expect(JSON.parse(cli.validate?.stdout ?? "").status).toBe("FAIL");
  });

  it("serves health, metrics, the OpenAPI description, the console and a plan", async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("# TYPE atlas_run_seconds histogram");
    const spec = (await (await fetch(`${base}/openapi.json`)).json()) as { info: { version: string } };
    expect(spec.info.version).toBe(JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version);
    const page = await fetch(`${base}/console/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module"');

    const key = readFileSync(join(dir, "data/admin.key"), "utf8").trim();
    const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
    const res = await fetch(`${base}/architect/plan`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ goal }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("WAIT_FOR_APPROVE");
  });

  it("a rebuild leaves no compiled module or migration whose source is gone", { timeout: 300_000 }, async () => {
    // what an incremental build (pnpm start after a pull) must clean up: tsc never deletes an output
    writeFileSync(join(dir, "dist/lib/removed-module.js"), "export const stale = true;\n");
    writeFileSync(join(dir, "dist/lib/removed-module.js.map"), "{}\n");
    writeFileSync(join(dir, "dist/migrations/999_removed.sql"), "select 1;\n");
    const build = await run(process.execPath, [join(repoRoot, "scripts/build.mjs"), "--out-dir", join(dir, "dist")], childEnv({}));
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(["lib/removed-module.js", "lib/removed-module.js.map", "migrations/999_removed.sql"].filter((path) => existsSync(join(dir, "dist", path)))).toEqual(
      [],
    );
    expect(readdirSync(join(dir, "dist/migrations")).sort()).toEqual(readdirSync(join(repoRoot, "migrations")).sort());
    expect(existsSync(join(dir, "dist/lib/log.js"))).toBe(true);
  });
});
