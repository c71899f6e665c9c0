import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, finished, freePort, type ProcessResult, runTs, spawnTs, stopChild, waitForOk } from "../helpers/processes.js";
import { makeTmpDir, removeTmpDir } from "../helpers/tmp.js";

/** Each test starts real tsx processes on the embedded database: on a loaded 2-core machine that takes minutes, not seconds. */
const PROCESS_TEST_TIMEOUT_MS = 300_000;

// End to end: the real server's first-start bootstrap and the `pnpm keys` CLI (app/cli/keys.ts)
// as child processes on one embedded data folder, over real HTTP. The embedded database admits
// one process at a time, so the CLI runs while the server is stopped.

let dataDir: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess | undefined;

beforeAll(() => {
  dataDir = makeTmpDir("atlas-e2e-auth-");
  env = childEnv({ ATLAS_DATA_DIR: dataDir, LOG_LEVEL: "info", ATLAS_SEED_DOCS: "off" });
});
afterAll(async () => {
  await stopChild(server);
  removeTmpDir(dataDir);
});

/** Starts the server, runs `body` against it, stops it and returns what it printed. */
async function withServer(body: (baseUrl: string) => Promise<void>): Promise<ProcessResult> {
  const port = await freePort();
  server = spawnTs("app/main.ts", [], { ...env, PORT: String(port) });
  const output = finished(server);
  try {
    await waitForOk(`http://127.0.0.1:${port}/healthz`, server);
    await body(`http://127.0.0.1:${port}`);
  } finally {
    await stopChild(server);
  }
  return output;
}

const keysCli = (...args: string[]) => runTs("app/cli/keys.ts", args, env);
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const keyPath = () => join(dataDir, "admin.key");

describe("first start, keys CLI, second start", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  let adminKey: string;
  let plannerKey: string;
  let viewer: { id: string; prefix: string; key: string };

  it("the first start prints an admin key once, writes admin.key (0600) and never logs it", async () => {
    const output = await withServer(async (baseUrl) => {
      adminKey = readFileSync(keyPath(), "utf8").trim();
      expect(adminKey).toMatch(/^atlas_[0-9A-Za-z]{43}$/);
      expect(statSync(keyPath()).mode & 0o777).toBe(0o600);
      expect((await fetch(`${baseUrl}/admin/keys`)).status).toBe(401);
      const keys = await fetch(`${baseUrl}/admin/keys`, { headers: bearer(adminKey) });
      expect(keys.status).toBe(200);
      expect(((await keys.json()) as { keys: { tenant: string; roles: string[] }[] }).keys).toEqual([
        expect.objectContaining({ tenant: "default", roles: ["admin"], name: "bootstrap-admin" }),
      ]);
    });
    expect(output.code).toBe(0);
    const lines = output.stdout.split("\n");
    expect(lines.filter((line) => line.includes(adminKey))).toEqual([`    ${adminKey}`]);
    const logLines = lines.filter((line) => line.startsWith("{"));
    expect(logLines.some((line) => line.includes("created the bootstrap admin key"))).toBe(true);
    expect(output.stdout).toContain(keyPath());
    expect(output.stderr).not.toContain(adminKey);
  });

  it("the CLI refuses bad usage with exit 2", async () => {
    for (const args of [
      [],
      ["create", "--tenant", "acme", "--name", "x"],
      ["create", "--tenant", "acme", "--name", "x", "--roles", "root"],
      ["revoke"],
      ["frobnicate"],
    ]) {
      const result = await keysCli(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/usage: pnpm keys/);
    }
  });

  it("creates, lists and revokes keys", async () => {
    const planner = await keysCli("create", "--tenant", "default", "--name", "ci", "--roles", "planner,approver", "--json");
    expect(planner.code).toBe(0);
    const created = JSON.parse(planner.stdout) as { id: string; key: string; prefix: string; roles: string[]; tenant: string };
    expect(created).toMatchObject({ tenant: "default", roles: ["planner", "approver"], key: expect.stringMatching(/^atlas_/) });
    plannerKey = created.key;

    const text = await keysCli("create", "--tenant", "acme", "--name", "dashboards", "--roles", "viewer");
    expect(text.code).toBe(0);
    const key = /\n\s+(atlas_[0-9A-Za-z]{43})\n/.exec(text.stdout)?.[1] as string;
    expect(key).toBeDefined();
    expect(text.stdout).toMatch(/shown once/);

    const list = await keysCli("list", "--json");
    expect(list.code).toBe(0);
    const keys = JSON.parse(list.stdout) as { id: string; prefix: string; tenant: string; name: string; revoked_at: string | null }[];
    expect(keys.map((k) => [k.tenant, k.name])).toEqual([
      ["acme", "dashboards"],
      ["default", "bootstrap-admin"],
      ["default", "ci"],
    ]);
    expect(list.stdout).not.toContain(adminKey);
    expect(list.stdout).not.toContain(plannerKey);
    expect(list.stdout).not.toContain(key);
    const acme = keys.find((k) => k.tenant === "acme") as (typeof keys)[number];
    viewer = { id: acme.id, prefix: acme.prefix, key };

    const onlyAcme = await keysCli("list", "--tenant", "acme");
    expect(onlyAcme.stdout).toContain("dashboards");
    expect(onlyAcme.stdout).not.toContain("bootstrap-admin");

    const revoked = await keysCli("revoke", viewer.prefix);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked key ${viewer.id}`);
    const again = await keysCli("revoke", viewer.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already revoked/);
    expect((await keysCli("list", "--tenant", "acme")).stdout).toMatch(/revoked \d{4}-/);
  });

  it("a second start creates no key; CLI keys work and revoked ones do not", async () => {
    const before = readFileSync(keyPath(), "utf8");
    const output = await withServer(async (baseUrl) => {
      const search = (key: string) =>
        fetch(`${baseUrl}/rag/search`, {
          method: "POST",
          headers: { ...bearer(key), "content-type": "application/json" },
          body: JSON.stringify({ query: "disk" }),
        });
      expect((await search(plannerKey)).status).toBe(200);
      const refused = await search(viewer.key);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/revoked/);
      const audit = await fetch(`${baseUrl}/audit?action=key.create`, { headers: bearer(adminKey) });
      const entries = ((await audit.json()) as { entries: { actor_name: string }[] }).entries;
      expect(entries.map((e) => e.actor_name)).toEqual([expect.stringMatching(/^cli:/), "bootstrap"]);
      const keys = ((await (await fetch(`${baseUrl}/admin/keys`, { headers: bearer(adminKey) })).json()) as { keys: unknown[] }).keys;
      expect(keys).toHaveLength(2);
    });
    expect(output.code).toBe(0);
    expect(output.stdout).not.toMatch(/atlas_[0-9A-Za-z]{43}/);
    expect(readFileSync(keyPath(), "utf8")).toBe(before);
    expect(existsSync(join(dataDir, "pgdata.lock"))).toBe(false);
  });
});
