import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { type BuildDepsOverrides, buildDeps, type Deps } from "../../app/deps.js";
import type { Database } from "../../lib/db/database.js";
import { createLogger } from "../../lib/log.js";
import { buildServer } from "../../server/app.js";
import { createKey, ensureTenant } from "../../tenants/keys.js";
import { DEFAULT_TENANT, type Role } from "../../tenants/roles.js";
import { testConfig } from "./config.js";
import { makeTmpDir, removeTmpDir } from "./tmp.js";

/** Log lines written by a test app, parsed from pino's JSON. */
export type CapturedLogs = Record<string, unknown>[];

export { testConfig } from "./config.js";

/** `Authorization` header for a raw API key. */
export const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

/** A key made for a test: the raw key once, its id and ready-made headers. */
export interface TestKey {
  key: string;
  id: string;
  tenant: string;
  headers: Record<string, string>;
}

/** A test app and how to dispose of it. */
export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  logs: CapturedLogs;
  /** an admin key of tenant "default" (which allows self-approval, as the embedded bootstrap makes it) */
  admin: TestKey;
  /** `{ authorization: "Bearer <admin key>" }`, for requests that should simply pass auth */
  auth: Record<string, string>;
  /** Makes another key; tenant "default" unless given (a new tenant refuses self-approval). */
  createKey(options: { roles: Role[]; tenant?: string; name?: string }): Promise<TestKey>;
  /** Closes the app and removes its data folder; the database stays open (the test file owns it). */
  close(): Promise<void>;
}

/**
 * Builds the real Fastify app on an already open database, with a throw-away
 * ATLAS_DATA_DIR; logs at `logLevel` go to the returned array.
 */
export async function buildTestApp(
  db: Database,
  options: { env?: Record<string, string>; overrides?: BuildDepsOverrides; logLevel?: string; mutate?: (deps: Deps) => void } = {},
): Promise<TestApp> {
  const logs: CapturedLogs = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const dataDir = makeTmpDir("atlas-app-");
  // no rate limit unless a test asks for one: suites poll routes far more than 120 times a minute
  const config = testConfig({ ATLAS_DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: "0", ...options.env });
  const deps = await buildDeps(config, createLogger(options.logLevel ?? "silent", sink), {
    embedder: null,
    ...options.overrides,
    db,
  });
  options.mutate?.(deps);
  const app = await buildServer(deps);
  await app.ready();
  const makeKey = async ({ roles, tenant = DEFAULT_TENANT, name = `test-${roles.join("-")}` }: { roles: Role[]; tenant?: string; name?: string }) => {
    const { key, record } = await createKey(db.pool, { tenant, name, roles }, { keyId: null, name: "test-helper" });
    return { key, id: record.id, tenant, headers: bearer(key) };
  };
  await ensureTenant(db.pool, DEFAULT_TENANT, { allowSelfApproval: true });
  const admin = await makeKey({ roles: ["admin"], name: "test-admin" });
  return {
    app,
    deps,
    logs,
    admin,
    auth: admin.headers,
    createKey: makeKey,
    async close() {
      await app.close();
      removeTmpDir(dataDir);
    },
  };
}
