import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import type { RunbookSearch } from "../rag/search.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { readEventStream } from "../test/helpers/event-stream.js";
import { waitFor } from "../test/helpers/redis.js";
import { idleKeepAlive, type RawClient, trickleBody, trickleHeaders } from "../test/helpers/slow-clients.js";
import { repoRoot } from "../test/helpers/tmp.js";

// The real server on a real port (the timeouts are Node's, on real sockets), with short limits.
// Each test waits for the server to close a connection; the per-test cap is far above the limits.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
const LIMITS = { HEADERS_TIMEOUT_MS: "500", REQUEST_TIMEOUT_MS: "1000", KEEP_ALIVE_TIMEOUT_MS: "500" };

describe("HTTP timeouts: receiving a request is timed, answering is not", () => {
  let db: Database;
  let t: TestApp;
  let port: number;
  let base: string;
  const clients: RawClient[] = [];
  // runbook search waits until a test lets it go, so a run lasts as long as the test needs
  let releaseSearch: () => void = () => {};
  let searchGate = Promise.resolve();
  let searches = 0;
  const search: RunbookSearch = async () => {
    searches++;
    await searchGate;
    return [];
  };

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db, { env: LIMITS, overrides: { search } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    port = (t.app.server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    for (const client of clients) client.stop();
    releaseSearch();
    await t?.close();
    await db?.close();
  });

  it("disconnects a client sending its headers byte by byte, while another connection is served", async () => {
    const slow = await trickleHeaders(port);
    clients.push(slow);
    // still being dribbled: a normal request on another connection is answered meanwhile
    await waitFor(() => slow.received() === "" && slow.socket.bytesWritten > 55, 10_000, "the slow client to be sending");
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const answer = await slow.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  }, 30_000);

  it("cuts a client sending its body slowly", async () => {
    const slow = await trickleBody(port, "/rag/search", t.auth);
    clients.push(slow);
    const answer = await slow.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  }, 30_000);

  it("closes a keep-alive connection left idle", async () => {
    const idle = await idleKeepAlive(port);
    clients.push(idle);
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200 /);
    await idle.closed;
    expect(idle.isClosed()).toBe(true);
  }, 30_000);

  it("does not cut a plan stream that lasts longer than the request timeout", async () => {
    searchGate = new Promise((resolve) => {
      releaseSearch = resolve;
    });
    const before = searches;
    const submitted = await fetch(`${base}/architect/plan`, {
      method: "POST",
      headers: { ...t.auth, "content-type": "application/json" },
      body: JSON.stringify({ goal, background: true }),
    });
    expect(submitted.status).toBe(202);
    const { thread_id } = (await submitted.json()) as { thread_id: string };
    await waitFor(() => searches > before, 20_000, "the run to reach runbook search");

    const stream = await readEventStream(`${base}/architect/plan/${thread_id}/stream`, t.auth);
    await waitFor(() => stream.events.some((event) => event.event === "status"), 10_000, "the stream's first event");
    // A slow body sent on a connection opened after the stream is cut: the request timeout has
    // run out since the stream's own request arrived, and the stream is still open.
    const probe = await trickleBody(port, "/rag/search", t.auth);
    clients.push(probe);
    expect(await probe.closed).toMatch(/^HTTP\/1\.1 408 /);
    expect(stream.ended()).toBe(false);

    releaseSearch();
    await stream.done;
    const result = stream.events.find((event) => event.event === "result");
    expect(result?.data).toMatchObject({ thread_id, status: "WAIT_FOR_APPROVE" });
  }, 60_000);
});
