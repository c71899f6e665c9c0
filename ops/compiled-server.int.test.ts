import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { cpSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, freePort, run, stopChild, waitForOk } from "../test/helpers/processes.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";

/**
 * What the Dockerfile's build and runtime stages do, without Docker (none runs here): compile
 * with tsconfig.build.json, put migrations and package.json beside the output, and start
 * `node dist/app/main.js` from a folder that holds nothing else of the repository.
 */
describe("the compiled server the image runs", () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let base: string;
  let stderr = "";

  beforeAll(async () => {
    dir = makeTmpDir("atlas-image-");
    const tsc = await run(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", join(dir, "dist")], childEnv({}));
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
    cpSync(join(repoRoot, "migrations"), join(dir, "dist/migrations"), { recursive: true });
    cpSync(join(repoRoot, "package.json"), join(dir, "dist/package.json"));
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ["dist/app/main.js"], {
      cwd: dir,
      env: childEnv({ ATLAS_DATA_DIR: join(dir, "data"), HOST: "127.0.0.1", PORT: String(port), ATLAS_SEED_DOCS: "off", LOG_LEVEL: "warn" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stderr?.on("data", (part: Buffer) => {
      stderr += part.toString("utf8");
    });
    await waitForOk(`${base}/healthz`, child).catch((error: Error) => {
      throw new Error(`${error.message}\n${stderr}`);
    });
  }, 180_000);
  afterAll(async () => {
    await stopChild(child);
    if (dir) removeTmpDir(dir);
  });

  it("serves health, metrics, the OpenAPI description and a plan", async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("# TYPE atlas_run_seconds histogram");
    const spec = (await (await fetch(`${base}/openapi.json`)).json()) as { info: { version: string } };
    expect(spec.info.version).toBe(JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version);

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
});
