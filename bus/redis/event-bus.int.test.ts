import { Writable } from "node:stream";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, type Deps } from "../../app/deps.js";
import { type Database, openDatabase } from "../../lib/db/database.js";
import { migrate, readMigrations } from "../../lib/db/migrate.js";
import { createLogger } from "../../lib/log.js";
import { type LifecycleEvent, lifecycleEventSchema } from "../../schemas/events.js";
import { testConfig } from "../../test/helpers/config.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../../test/helpers/databases.js";
import { freePort } from "../../test/helpers/processes.js";
import { cleanRedisPrefix, redisProxy, testRedisClient, testRedisPrefix, testRedisUrl, waitFor } from "../../test/helpers/redis.js";
import { type EventBus, lifecycleEvent } from "../events.js";
import { insertEvent } from "../outbox.js";
import { closeRedis, makeRedis } from "./client.js";
import { makeRedisEventBus } from "./event-bus.js";
import { fieldsToObject, redisKeys } from "./keys.js";
import { startOutboxRelay } from "./outbox-relay.js";

// The event bus on real Redis Streams over real Postgres (the outbox), under a key prefix of
// its own that is deleted afterwards.

const log = createLogger("silent");
const clock = () => new Date();
const nonVector = readMigrations().filter((m) => !m.requiresVector);
const run = (n: number) => ({ trace_id: `trace-${n}`, thread_id: `thread-${n}`, tenant: "acme" });

async function openMigrated(native: NativeTestDatabase): Promise<Database> {
  const db = await openDatabase({ url: native.url });
  await migrate(db.pool, nonVector);
  return db;
}

/** What the relay logs when its first attempt to reach Redis fails. */
const RELAY_DOWN = "event relay cannot reach Redis; events wait in the outbox";

/** A logger whose messages a test can wait for. */
function watchedLogger() {
  const messages: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) messages.push(String(JSON.parse(line).msg));
      done();
    },
  });
  return { log: createLogger("warn", sink), saw: (message: string) => messages.includes(message) };
}

async function groupExists(redis: Redis, stream: string, group: string): Promise<boolean> {
  const groups = (await redis.xinfo("GROUPS", stream).catch(() => [])) as unknown[][];
  return groups.some((flat) => flat[1] === group);
}

describe("event bus on Redis Streams", () => {
  let native: NativeTestDatabase;
  let db: Database;
  let inspect: Redis;
  let client: Redis;
  let bus: EventBus;
  const prefix = testRedisPrefix();
  const keys = redisKeys(prefix);
  const deadLetters: string[] = [];

  beforeAll(async () => {
    native = await nativeTestDatabase();
    db = await openMigrated(native);
    inspect = testRedisClient();
    client = makeRedis(testRedisUrl, log);
    bus = makeRedisEventBus(db.pool, client, keys, {
      log,
      clock,
      replica: "test",
      claimIdleMs: 200,
      pollMs: 100,
      maxLen: 10_000,
      onDeadLetter: (type) => deadLetters.push(type),
    });
  });
  afterAll(async () => {
    await bus?.close();
    if (client) closeRedis(client);
    if (inspect) {
      await cleanRedisPrefix(inspect, prefix);
      inspect.disconnect();
    }
    await db?.close();
    await native?.drop();
  });

  it("publishes every event as typed JSON with schema_ver, trace_id and tenant, outbox first", async () => {
    const event = lifecycleEvent("plan.pending", run(1), { plan_version: 1 }, clock());
    await bus.publish(event);
    const [entry] = await waitFor(() => inspect.xrange(keys.events, "-", "+").then((rows) => (rows.length ? rows : null)), 10_000, "the event on the stream");
    const fields = fieldsToObject(entry?.[1]);
    expect(fields).toMatchObject({ schema_ver: "1", type: "plan.pending", trace_id: "trace-1", tenant: "acme", thread_id: "thread-1" });
    expect(lifecycleEventSchema.parse(JSON.parse(fields.event ?? ""))).toEqual(event);
    const { rows } = await db.pool.query("select id::text as id, published_at from atlas_events where trace_id = 'trace-1'");
    expect(rows).toHaveLength(1);
    expect(fields.outbox_id).toBe(rows[0].id);
    expect(rows[0].published_at).not.toBeNull();
  });

  it("a consumer group gets each event once and acknowledges it after handling", async () => {
    const seen: { event: LifecycleEvent; deliveries: number; outbox_id: string | null }[] = [];
    const consumer = bus.consume({ group: "g-ack", claimIdleMs: 200, handler: (event, meta) => void seen.push({ event, ...meta }) });
    try {
      await waitFor(() => groupExists(inspect, keys.events, "g-ack"), 5_000, "the consumer group");
      await bus.publish(lifecycleEvent("validate.result", run(2), { status: "PASS" }, clock()));
      await waitFor(() => seen.some((s) => s.event.trace_id === "trace-2"), 10_000, "the delivery");
      // acknowledged: nothing pending for the group
      await waitFor(async () => Number(((await inspect.xpending(keys.events, "g-ack")) as [number])[0]) === 0, 5_000, "the ack");
      expect(seen.filter((s) => s.event.trace_id === "trace-2")).toEqual([expect.objectContaining({ deliveries: 1, outbox_id: expect.any(String) })]);
    } finally {
      await consumer.stop();
    }
  });

  it("a handler that throws 3 times moves the message to the dead-letter stream and publishes an escalate event", async () => {
    const attempts: number[] = [];
    const escalations: LifecycleEvent[] = [];
    const consumer = bus.consume({
      group: "g-failing",
      claimIdleMs: 200,
      handler(event, meta) {
        if (event.type === "escalate") {
          escalations.push(event);
          return;
        }
        if (event.trace_id === "trace-3") {
          attempts.push(meta.deliveries);
          throw new Error("notifier is down");
        }
      },
    });
    try {
      await waitFor(() => groupExists(inspect, keys.events, "g-failing"), 5_000, "the consumer group");
      await bus.publish(lifecycleEvent("approval.requested", run(3), { plan_version: 1 }, clock()));
      const dead = await waitFor(() => inspect.xrange(keys.eventsDead, "-", "+").then((rows) => (rows.length ? rows : null)), 15_000, "a dead letter");
      const fields = fieldsToObject(dead[0]?.[1]);
      expect(fields).toMatchObject({ type: "approval.requested", trace_id: "trace-3", group: "g-failing", deliveries: "3", error: "notifier is down" });
      expect(attempts).toEqual([1, 2, 3]);
      // the escalate event went through the outbox and the stream like any event
      const escalate = await waitFor(() => escalations.find((e) => e.trace_id === "trace-3"), 10_000, "the escalate event");
      expect(escalate).toMatchObject({ type: "escalate", tenant: "acme", thread_id: "thread-3" });
      expect(escalate.data).toMatchObject({
        original_type: "approval.requested",
        group: "g-failing",
        deliveries: 3,
        error: "notifier is down",
        outbox_id: fields.outbox_id,
      });
      const { rows } = await db.pool.query("select count(*)::int as n from atlas_events where type = 'escalate' and trace_id = 'trace-3'");
      expect(rows[0].n).toBe(1);
      expect(deadLetters).toContain("approval.requested");
      // the dead message is no longer pending in its group
      await waitFor(async () => Number(((await inspect.xpending(keys.events, "g-failing")) as [number])[0]) === 0, 5_000, "no pending entries");
    } finally {
      await consumer.stop();
    }
  });

  it("subscribers follow the stream: events of every replica, duplicates (same outbox id) dropped", async () => {
    const got: LifecycleEvent[] = [];
    const unsubscribe = bus.subscribe((event) => {
      if (event.thread_id === "thread-4") got.push(event);
    });
    await bus.ready();
    // another replica's relay wrote this, and (at-least-once) wrote it twice
    const event = lifecycleEvent("build.done", run(4), {}, clock());
    for (let i = 0; i < 2; i++) {
      await inspect.xadd(keys.events, "*", "outbox_id", "999999", "type", event.type, "event", JSON.stringify(event));
    }
    await waitFor(() => got.length > 0, 5_000, "the event");
    // A later entry, read after both copies: once it has arrived, a second copy would have too.
    const later = lifecycleEvent("build.done", run(4), { marker: "later" }, clock());
    await inspect.xadd(keys.events, "*", "outbox_id", "1000000", "type", later.type, "event", JSON.stringify(later));
    await waitFor(() => got.some((seen) => seen.data.marker === "later"), 5_000, "the later event");
    unsubscribe();
    expect(got.filter((seen) => seen.data.marker !== "later")).toEqual([event]);
  });
});

describe("outbox relay", () => {
  let native: NativeTestDatabase;
  let db: Database;
  let inspect: Redis;
  let client: Redis;
  const prefix = testRedisPrefix();
  const keys = redisKeys(prefix);

  beforeAll(async () => {
    native = await nativeTestDatabase();
    db = await openMigrated(native);
    inspect = testRedisClient();
    client = makeRedis(testRedisUrl, log);
  });
  afterAll(async () => {
    if (client) closeRedis(client);
    if (inspect) {
      await cleanRedisPrefix(inspect, prefix);
      inspect.disconnect();
    }
    await db?.close();
    await native?.drop();
  });

  const relay = () =>
    startOutboxRelay({ pool: db.pool, redis: client, stream: keys.events, relayedKey: keys.relayedEvent, maxLen: 10_000, pollMs: 60_000, log });
  const streamIds = async () => (await inspect.xrange(keys.events, "-", "+")).map(([, fields]) => fieldsToObject(fields).outbox_id);

  it("replicas relaying the same rows at once, and a relay that died before marking them, add each event once", async () => {
    for (let i = 0; i < 5; i++) await insertEvent(db.pool, lifecycleEvent("plan.pending", run(100 + i), { plan_version: 1 }, clock()), false);
    const ids = (await db.pool.query("select id::text as id from atlas_events where published_at is null order by id")).rows.map((row) => row.id);
    const [a, b] = [relay(), relay()];
    try {
      await Promise.all([a.flush(), b.flush(), a.flush(), b.flush()]);
      expect(await streamIds()).toEqual(ids);
      // as if a relay added them and died before its update: the rows are unpublished again
      await db.pool.query("update atlas_events set published_at = null where id = any($1::bigint[])", [ids]);
      await a.flush();
      expect(await streamIds()).toEqual(ids);
      const { rows } = await db.pool.query("select count(*)::int as n from atlas_events where published_at is null");
      expect(rows[0].n).toBe(0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe("outbox while Redis is unreachable", () => {
  let native: NativeTestDatabase;
  let db: Database;
  let inspect: Redis;
  const prefix = testRedisPrefix();
  const keys = redisKeys(prefix);

  beforeAll(async () => {
    native = await nativeTestDatabase();
    db = await openMigrated(native);
    inspect = testRedisClient();
  });
  afterAll(async () => {
    if (inspect) {
      await cleanRedisPrefix(inspect, prefix);
      inspect.disconnect();
    }
    await db?.close();
    await native?.drop();
  });

  it("a client pointed at a closed port: publishing still succeeds, the event waits in the outbox", async () => {
    const watched = watchedLogger();
    const client = makeRedis(`redis://127.0.0.1:${await freePort()}`, log);
    const bus = makeRedisEventBus(db.pool, client, keys, { log: watched.log, clock, replica: "test", claimIdleMs: 200, pollMs: 50, maxLen: 10_000 });
    try {
      await bus.publish(lifecycleEvent("design.blocked", run(9), { reason: "budget" }, clock()));
      await waitFor(() => watched.saw(RELAY_DOWN), 20_000, "the relay to try Redis and fail");
      const { rows } = await db.pool.query("select published_at from atlas_events where trace_id = 'trace-9'");
      expect(rows).toEqual([{ published_at: null }]);
    } finally {
      await bus.close();
      closeRedis(client);
    }
  });

  it("publishing succeeds into Postgres and the relay delivers once Redis is reachable", async () => {
    const proxy = await redisProxy();
    const watched = watchedLogger();
    const client = makeRedis(proxy.url, log); // the proxy drops every connection: Redis is "down"
    const bus = makeRedisEventBus(db.pool, client, keys, { log: watched.log, clock, replica: "test", claimIdleMs: 200, pollMs: 100, maxLen: 10_000 });
    try {
      // Each publish resolves while Redis is down (the proxy only forwards after `up()` below):
      // a publish that waited for Redis would never resolve here.
      for (let i = 0; i < 3; i++) await bus.publish(lifecycleEvent("plan.pending", run(10 + i), { plan_version: 1 }, clock()));
      await waitFor(() => watched.saw(RELAY_DOWN), 20_000, "the relay to try Redis and fail");
      // the three, and the one the closed-port client left: any replica's relay delivers it
      const waiting = await db.pool.query("select id::text as id from atlas_events where published_at is null order by id");
      expect(waiting.rows).toHaveLength(4);
      expect(await inspect.xlen(keys.events)).toBe(0);

      proxy.up(); // Redis is back
      const entries = await waitFor(
        () => inspect.xrange(keys.events, "-", "+").then((rows) => (rows.length >= 4 ? rows : null)),
        15_000,
        "the relay to deliver",
      );
      expect(entries.map(([, fields]) => fieldsToObject(fields).outbox_id)).toEqual(waiting.rows.map((row) => row.id));
      // The relay marks rows published in the transaction it commits after XADD returns.
      const unpublished = async () => (await db.pool.query("select count(*)::int as n from atlas_events where published_at is null")).rows[0].n;
      await waitFor(async () => (await unpublished()) === 0, 10_000, "the relay to mark the rows published");
      expect(await unpublished()).toBe(0);
    } finally {
      await bus.close();
      closeRedis(client);
      await proxy.close();
    }
  });
});

describe("control channel", () => {
  let native: NativeTestDatabase;
  let db: Database;
  let inspect: Redis;
  let deps: Deps;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    native = await nativeTestDatabase();
    db = await openMigrated(native);
    inspect = testRedisClient();
    const config = testConfig({ REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: prefix, TOKEN_BUDGET_PER_RUN: "12000", DAILY_TOKEN_BUDGET: "250000" });
    // the wiring start-up does (control handlers included), on a connection pool of its own
    deps = await buildDeps(config, log, { db: await openDatabase({ url: native.url }), migrations: nonVector, search: async () => [] });
    await deps.control.ready();
  });
  afterAll(async () => {
    await deps?.close();
    if (inspect) {
      await cleanRedisPrefix(inspect, prefix);
      inspect.disconnect();
    }
    await db?.close();
    await native?.drop();
  });

  const limitsOf = async (tenant: string) => (await deps.tokenBudget.check({ tenant, run: "r" })).limits;

  it("set_budget changes token budgets at run time, from redis-cli fields or a JSON message", async () => {
    expect(await limitsOf("acme")).toEqual({ per_run: 12_000, daily: 250_000 });
    // what an operator types: XADD <prefix>control * type set_budget tenant acme daily 5000
    await inspect.xadd(`${prefix}control`, "*", "type", "set_budget", "tenant", "acme", "daily", "5000");
    await waitFor(async () => (await limitsOf("acme")).daily === 5_000, 10_000, "the new daily budget");
    expect(await limitsOf("acme")).toEqual({ per_run: 12_000, daily: 5_000 });
    // every tenant: a JSON message sent through the bus
    await deps.control.send({ type: "set_budget", tenant: "*", per_run: 777 });
    await waitFor(async () => (await limitsOf("other")).per_run === 777, 10_000, "the new per-run budget");
    expect(await limitsOf("acme")).toEqual({ per_run: 777, daily: 5_000 });
    const { rows } = await db.pool.query("select tenant, per_run, daily from atlas_token_budgets order by tenant");
    expect(rows).toEqual([
      { tenant: "*", per_run: 777, daily: null },
      { tenant: "acme", per_run: null, daily: 5_000 },
    ]);
  });

  it("flush_cache drops cached budgets; heartbeats show which replicas are alive; bad messages are ignored", async () => {
    await db.pool.query("update atlas_token_budgets set daily = 4000 where tenant = 'acme'");
    expect((await limitsOf("acme")).daily).toBe(5_000); // cached
    await inspect.xadd(`${prefix}control`, "*", "type", "set_budget", "tenant", "acme"); // neither per_run nor daily: ignored
    await inspect.xadd(`${prefix}control`, "*", "type", "flush_cache");
    await waitFor(async () => (await limitsOf("acme")).daily === 4_000, 10_000, "the flushed cache");
    await waitFor(() => Object.keys(deps.control.peers()).length > 0, 10_000, "a heartbeat");
  });
});
