import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { readEventStream } from "../test/helpers/event-stream.js";
import { childEnv, type ServerProcess, startServerProcess, stopChild } from "../test/helpers/processes.js";
import { waitFor } from "../test/helpers/redis.js";
import { idleKeepAlive, type RawClient, trickleBody, trickleHeaders } from "../test/helpers/slow-clients.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";

// Real server processes and SIGTERM: `pnpm start`'s entry (app/main.ts, embedded database) and
// the replica test launcher (test/fixtures/replica-server.ts, the machine's PostgreSQL, a slow
// runbook search), both started through app/serve.ts. Nothing here waits on a clock: each test
// waits for a process to exit or a connection to close, under a generous cap.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
// Node's own timeouts are pushed out of the way: only the shutdown may end these clients.
const NO_RECEIVE_TIMEOUTS = { HEADERS_TIMEOUT_MS: "600000", REQUEST_TIMEOUT_MS: "600000" };

const servers: ServerProcess[] = [];
const clients: RawClient[] = [];
const tmpDirs: string[] = [];
let native: NativeTestDatabase | undefined;

afterAll(async () => {
  for (const client of clients) client.stop();
  for (const server of servers) await stopChild(server.child);
  await native?.drop();
  for (const dir of tmpDirs) removeTmpDir(dir);
});

const logged = (server: ServerProcess, msg: string | RegExp) =>
  server.logs().find((line) => (typeof msg === "string" ? line.msg === msg : msg.test(String(line.msg))));
/** Fastify logged the request for `url` arriving (its head is in: a request in flight). */
const arrived = (server: ServerProcess, url: string) =>
  server.logs().some((line) => line.msg === "incoming request" && (line.req as { url?: string } | undefined)?.url === url);
const bearer = (dataDir: string) => ({ authorization: `Bearer ${readFileSync(join(dataDir, "admin.key"), "utf8").trim()}` });

describe("pnpm start (app/main.ts): SIGTERM with slow and idle clients", () => {
  it("closes idle and half-sent connections at once, cuts a slow upload after the grace, and exits 0", async () => {
    const dataDir = makeTmpDir("atlas-serve-");
    tmpDirs.push(dataDir);
    const server = await startServerProcess(
      "app/main.ts",
      childEnv({ ATLAS_DATA_DIR: dataDir, ATLAS_SEED_DOCS: "off", LOG_LEVEL: "info", SHUTDOWN_GRACE_MS: "1500", ...NO_RECEIVE_TIMEOUTS }),
    );
    servers.push(server);
    const headers = await trickleHeaders(server.port);
    const upload = await trickleBody(server.port, "/rag/search", bearer(dataDir));
    const idle = await idleKeepAlive(server.port);
    clients.push(headers, upload, idle);
    // the upload has reached its route (it is a request in flight, not a half-sent head)
    await waitFor(() => arrived(server, "/rag/search"), 20_000, "the upload to reach its route");

    server.child.kill("SIGTERM");
    const result = await server.exited;
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
    expect([headers.isClosed(), upload.isClosed(), idle.isClosed()]).toEqual([true, true, true]);
    expect(logged(server, /^closed connections with no request in hand/)?.connections).toBeGreaterThanOrEqual(1);
    const cut = logged(server, /^grace period over: cut 1 request/);
    expect(cut?.requests).toEqual([expect.objectContaining({ method: "POST", url: "/rag/search" })]);
    expect(logged(server, "shut down")).toMatchObject({ exit_code: 0 });
  }, 180_000);
});

describe("the replica launcher (same serve): in-flight work, plan streams, a second signal", () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    native = await nativeTestDatabase();
    dataDir = makeTmpDir("atlas-serve-replica-");
    tmpDirs.push(dataDir);
    env = childEnv({ DATABASE_URL: native.url, ATLAS_DATA_DIR: dataDir, LOG_LEVEL: "info", RATE_LIMIT_PER_MINUTE: "0" });
  });

  it("lets a synchronous plan in flight finish, ends a plan stream at once, refuses new requests, exits 0", async () => {
    const server = await startServerProcess("test/fixtures/replica-server.ts", { ...env, ATLAS_TEST_SEARCH_DELAY_MS: "3000", SHUTDOWN_GRACE_MS: "120000" });
    servers.push(server);
    const auth = bearer(dataDir);
    const threadId = "shutdown-sync-plan";
    const planned = fetch(`${server.url}/architect/plan`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ goal, thread_id: threadId }),
    });
    await waitFor(() => logged(server, "test-only: runbook search delayed"), 30_000, "the plan to be inside the architect");
    const stream = await readEventStream(`${server.url}/architect/plan/${threadId}/stream`, auth);
    await waitFor(() => stream.events.some((event) => event.event === "status"), 20_000, "the stream's first event");

    server.child.kill("SIGTERM");
    await stream.done;
    expect(stream.events.map((event) => event.event)).not.toContain("result");
    expect(stream.comments).toContain("server shutting down, reconnect");
    // a new request is refused: 503 while the listener is open, no connection after
    const late = await fetch(`${server.url}/healthz`).then(
      (response) => response.status,
      () => "refused",
    );
    expect([503, "refused"]).toContain(late);

    const answer = await planned;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { status: string }).status).toBe("WAIT_FOR_APPROVE");
    const result = await server.exited;
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
    expect(logged(server, /^grace period over/)).toBeUndefined();
  }, 180_000);

  it("does not hang on a background run in hand: exits 1 after the grace, leaving the run to be taken over", async () => {
    // the run sits in runbook search far longer than any shutdown may take
    const server = await startServerProcess("test/fixtures/replica-server.ts", { ...env, ATLAS_TEST_SEARCH_DELAY_MS: "600000", SHUTDOWN_GRACE_MS: "500" });
    servers.push(server);
    const submitted = await fetch(`${server.url}/architect/plan`, {
      method: "POST",
      headers: { ...bearer(dataDir), "content-type": "application/json" },
      body: JSON.stringify({ goal, background: true }),
    });
    expect(submitted.status).toBe(202);
    await waitFor(() => logged(server, "test-only: runbook search delayed"), 30_000, "the worker's run to be inside the architect");

    server.child.kill("SIGTERM");
    const result = await server.exited;
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 1, signal: null });
    expect(logged(server, /^grace period over: background work still in hand/)).toBeDefined();
    expect(logged(server, /^exiting before the server's close hooks finished/)).toBeDefined();
  }, 180_000);

  it("a second signal exits at once", async () => {
    const server = await startServerProcess("test/fixtures/replica-server.ts", { ...env, SHUTDOWN_GRACE_MS: "600000", ...NO_RECEIVE_TIMEOUTS });
    servers.push(server);
    const upload = await trickleBody(server.port, "/rag/search", bearer(dataDir));
    clients.push(upload);
    await waitFor(() => arrived(server, "/rag/search"), 20_000, "the upload to reach its route");

    server.child.kill("SIGTERM");
    await waitFor(() => logged(server, /^shutting down/), 20_000, "the shutdown to start");
    server.child.kill("SIGTERM");
    const result = await server.exited;
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 143, signal: null });
    expect(logged(server, /^second signal/)).toBeDefined();
  }, 180_000);
});
