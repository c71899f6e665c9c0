import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp, type TestKey } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { type EventStreamReader, readEventStream } from "../test/helpers/event-stream.js";
import { waitFor } from "../test/helpers/redis.js";
import { repoRoot } from "../test/helpers/tmp.js";

// Issue 13: the console's runs list and run page follow GET /architect/plans/stream (the
// tenant's lifecycle events, live) instead of asking again every few seconds.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
type Event = { type: string; thread_id: string; tenant: string };

describe("GET /architect/plans/stream", () => {
  let db: Database;
  let t: TestApp;
  let base: string;
  let acme: TestKey;
  let globex: TestKey;
  const open: EventStreamReader[] = [];

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    acme = await t.createKey({ roles: ["planner"], tenant: "acme", name: "acme-planner" });
    globex = await t.createKey({ roles: ["planner"], tenant: "globex", name: "globex-planner" });
  });
  afterAll(async () => {
    for (const stream of open) stream.close();
    await t?.close();
    await db?.close();
  });

  async function follow(key: TestKey, query = "") {
    const stream = await readEventStream(`${base}/architect/plans/stream${query}`, key.headers);
    open.push(stream);
    expect(stream.status).toBe(200);
    await waitFor(() => stream.events.some((event) => event.event === "ready"), 60_000, "the stream's ready event");
    return stream;
  }
  async function plan(key: TestKey, thread_id: string) {
    const res = await t.app.inject({ method: "POST", url: "/architect/plan", headers: key.headers, payload: { goal, thread_id } });
    expect(res.json().status, res.body).toBe("WAIT_FOR_APPROVE");
  }
  const lifecycle = (stream: EventStreamReader) => stream.events.filter((event) => event.event !== "ready").map((event) => event.data as Event);

  it("delivers every event of the caller's tenant, from every thread, and none of another tenant's", async () => {
    const stream = await follow(acme);
    // globex first: by the time acme's second plan has asked for approval, globex's events were published long before
    await plan(globex, "g-1");
    await plan(acme, "a-1");
    await plan(acme, "a-2");
    await waitFor(() => lifecycle(stream).some((event) => event.thread_id === "a-2" && event.type === "approval.requested"), 60_000, "a-2's approval request");
    const seen = lifecycle(stream);
    expect(new Set(seen.map((event) => event.tenant))).toEqual(new Set(["acme"]));
    expect(seen.filter((event) => event.thread_id === "a-1").map((event) => event.type)).toContain("approval.requested");
    // each event under its own type, as the per-thread stream sends them
    for (const event of stream.events.filter((one) => one.event !== "ready")) expect(event.event).toBe((event.data as Event).type);
    expect(stream.ended()).toBe(false);
  });

  it("with ?thread_id= delivers that thread's events only, and stays open after the run stops", async () => {
    const stream = await follow(acme, "?thread_id=a-3");
    await plan(acme, "a-4");
    await plan(acme, "a-3");
    await waitFor(() => lifecycle(stream).some((event) => event.type === "approval.requested"), 60_000, "a-3's approval request");
    expect(new Set(lifecycle(stream).map((event) => event.thread_id))).toEqual(new Set(["a-3"]));
    const approver = await t.createKey({ roles: ["approver"], tenant: "acme", name: "acme-approver" });
    const res = await t.app.inject({ method: "POST", url: "/architect/plan/a-3/resume", headers: approver.headers, payload: { decision: "approve" } });
    expect(res.statusCode, res.body).toBe(200);
    await waitFor(() => lifecycle(stream).some((event) => event.type === "apply.done"), 60_000, "a-3's apply");
    expect(stream.ended()).toBe(false);
  });

  it("refuses a malformed thread id (400 naming it) and a caller without a key (401)", async () => {
    const bad = await fetch(`${base}/architect/plans/stream?thread_id=..%2Fx`, { headers: acme.headers });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("thread_id");
    expect((await fetch(`${base}/architect/plans/stream`)).status).toBe(401);
  });
});
