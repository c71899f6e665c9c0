import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp, type TestKey } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";
import { runSchema, threadSchema } from "./routes/platform/schemas.js";

// Issue 12: the LangGraph Platform routes' own rules, on the real app over embedded Postgres
// (the SDK end to end across replicas is platform-sdk.int.test.ts). No background workers here,
// so a queued run stays queued until the test says otherwise.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

let db: Database;
let t: TestApp;
let planner: TestKey;
let viewer: TestKey;

beforeAll(async () => {
  db = await embeddedTestDatabase();
  t = await buildTestApp(db, { env: { CORS_ORIGINS: "https://smith.langchain.com", RUN_WORKERS: "0" } });
  planner = await t.createKey({ roles: ["planner", "approver"], name: "planner" });
  viewer = await t.createKey({ roles: ["viewer"], name: "viewer" });
});
afterAll(async () => {
  await t?.close();
  await db?.close();
});

/** A request with the key in `x-api-key`, as the LangGraph SDK sends it. */
const call = (key: TestKey, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { "x-api-key": key.key }, ...(payload === undefined ? {} : { payload: payload as object }) });
const admin = () => ({ key: t.admin.key }) as TestKey;
const issuePaths = (response: { json(): unknown }) => (response.json() as { error: { issues?: { path: string }[] } }).error.issues?.map((issue) => issue.path);

describe("keys and browsers", () => {
  it("accepts the key as x-api-key; two different keys in one request are a 400 naming the header", async () => {
    expect((await call(viewer, "POST", "/threads/count", {})).statusCode).toBe(200);
    const both = await t.app.inject({
      method: "POST",
      url: "/threads/count",
      payload: {},
      headers: { "x-api-key": viewer.key, authorization: `Bearer ${planner.key}` },
    });
    expect(both.statusCode).toBe(400);
    expect(issuePaths(both)).toEqual(["headers.x-api-key"]);
    const same = await t.app.inject({
      method: "POST",
      url: "/threads/count",
      payload: {},
      headers: { "x-api-key": viewer.key, authorization: `Bearer ${viewer.key}` },
    });
    expect(same.statusCode).toBe(200);
  });

  it("a configured origin's preflight allows PATCH, PUT and the x-api-key header", async () => {
    for (const [url, method] of [
      ["/threads/t-1", "PATCH"],
      ["/admin/budget", "PUT"],
    ]) {
      const preflight = await t.app.inject({
        method: "OPTIONS",
        url: url as string,
        headers: {
          origin: "https://smith.langchain.com",
          "access-control-request-method": method as string,
          "access-control-request-headers": "x-api-key, content-type",
        },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers["access-control-allow-origin"]).toBe("https://smith.langchain.com");
      expect(preflight.headers["access-control-allow-methods"]).toContain(method);
      expect(preflight.headers["access-control-allow-headers"]).toContain("x-api-key");
      expect(preflight.headers["access-control-expose-headers"]).toContain("content-location");
    }
  });
});

describe("threads", () => {
  it("create, read, patch metadata, search and count, by the roles the routes name", async () => {
    const made = await call(planner, "POST", "/threads", { thread_id: "orders-api", metadata: { team: "orders", env: "prod" } });
    expect(made.statusCode).toBe(200);
    expect(threadSchema.parse(made.json())).toMatchObject({ thread_id: "orders-api", status: "idle", values: {}, atlas: { status: "NEW" } });
    expect((await call(planner, "POST", "/threads", { thread_id: "orders-api" })).statusCode).toBe(409);
    const kept = await call(planner, "POST", "/threads", { thread_id: "orders-api", if_exists: "do_nothing", metadata: { team: "other" } });
    expect(kept.json().metadata.team).toBe("orders");
    expect((await call(viewer, "POST", "/threads", {})).statusCode).toBe(403);

    const patched = await call(planner, "PATCH", "/threads/orders-api", { metadata: { env: "staging", owner: "kim" } });
    expect(patched.json().metadata).toMatchObject({ team: "orders", env: "staging", owner: "kim" });
    await call(planner, "POST", "/threads", { thread_id: "billing-api", metadata: { team: "billing" } });

    const byTeam = await call(viewer, "POST", "/threads/search", { metadata: { team: "orders" } });
    expect(byTeam.json().map((thread: { thread_id: string }) => thread.thread_id)).toEqual(["orders-api"]);
    const idle = await call(viewer, "POST", "/threads/search", { status: "idle", sort_by: "thread_id", sort_order: "asc", limit: 100 });
    expect(idle.json().map((thread: { thread_id: string }) => thread.thread_id)).toEqual(expect.arrayContaining(["billing-api", "orders-api"]));
    expect((await call(viewer, "POST", "/threads/count", { metadata: { team: "billing" } })).json()).toBe(1);
    expect((await call(viewer, "POST", "/threads/count", { status: "interrupted", metadata: { team: "billing" } })).json()).toBe(0);
    // a filter Atlas cannot apply is refused by name, not ignored
    const values = await call(viewer, "POST", "/threads/search", { values: { status: "DONE" } });
    expect(values.statusCode).toBe(400);
    expect(issuePaths(values)).toEqual(["values"]);
  });

  it("delete is for admins, refused while a run is queued, and takes the checkpoints with it", async () => {
    await call(planner, "POST", "/threads", { thread_id: "to-delete" });
    const queued = await call(planner, "POST", "/threads/to-delete/runs", { assistant_id: "planner", input: { goal } });
    expect(queued.statusCode).toBe(200);
    expect(runSchema.parse(queued.json()).status).toBe("pending");
    expect((await call(planner, "DELETE", "/threads/to-delete")).statusCode).toBe(403);
    const busy = await call(admin(), "DELETE", "/threads/to-delete");
    expect(busy.statusCode).toBe(409);
    expect((await call(viewer, "GET", "/threads/to-delete")).json().status).toBe("busy");

    // cancelling the queued run puts the thread back as it was (NEW: no run ever ran)
    const cancelled = await call(planner, "POST", `/threads/to-delete/runs/${queued.json().run_id}/cancel`);
    expect(cancelled.json().status).toBe("interrupted");
    expect((await call(viewer, "GET", "/threads/to-delete")).json()).toMatchObject({ status: "idle", atlas: { status: "NEW" } });

    // a thread with checkpoints: run it to the gate, then delete it
    const waited = await call(planner, "POST", "/threads/to-delete/runs/wait", { assistant_id: "planner", input: { goal } });
    expect(waited.json().status).toBe("WAIT_FOR_APPROVE");
    expect((await call(admin(), "DELETE", "/threads/to-delete")).statusCode).toBe(204);
    expect((await call(viewer, "GET", "/threads/to-delete")).statusCode).toBe(404);
    const { rows } = await db.pool.query("select count(*)::int as n from checkpoints where thread_id like '%to-delete'");
    expect(rows[0].n).toBe(0);
  });

  it("state updates are admin-only, refused while a run is queued, and written under the thread's claim", async () => {
    const waited = await call(planner, "POST", "/threads/noted/runs/wait", { assistant_id: "planner", if_not_exists: "create", input: { goal } });
    expect(waited.json().status).toBe("WAIT_FOR_APPROVE");
    const update = { values: { revision_comments: ["keep the read replica"] }, as_node: "validator" };
    expect((await call(planner, "POST", "/threads/noted/state", update)).statusCode).toBe(403);
    const written = await call(admin(), "POST", "/threads/noted/state", update);
    expect(written.statusCode).toBe(200);
    const state = await call(viewer, "GET", "/threads/noted/state");
    expect(state.json().checkpoint.checkpoint_id).toBe(written.json().checkpoint.checkpoint_id);
    expect(state.json().values.revision_comments).toEqual(["keep the read replica"]);
    const thread = await call(viewer, "GET", "/threads/noted");
    expect(thread.json()).toMatchObject({ status: "interrupted", atlas: { status: "WAIT_FOR_APPROVE" } });

    await call(planner, "POST", "/threads/noted-busy/runs", { assistant_id: "planner", if_not_exists: "create", input: { goal } });
    expect((await call(admin(), "POST", "/threads/noted-busy/state", update)).statusCode).toBe(409);
  });
});

describe("runs", () => {
  it("a stateless run keeps its thread: a plan waits at the gate there", async () => {
    const run = await call(planner, "POST", "/runs/wait", { assistant_id: "planner", input: { goal } });
    expect(run.statusCode).toBe(200);
    expect(run.json().status).toBe("WAIT_FOR_APPROVE");
    expect(run.json().__interrupt__[0].value.kind).toBe("approval");
    const threads = await call(viewer, "POST", "/threads/search", { status: "interrupted", limit: 100 });
    expect(threads.json().map((thread: { values: { plan_id?: string } }) => thread.values.plan_id)).toContain(run.json().plan_id);
  });

  it("refuses by name what it cannot honour, and a goal it cannot read", async () => {
    await call(planner, "POST", "/threads", { thread_id: "strict" });
    const cases: [unknown, string[]][] = [
      [{ assistant_id: "planner", input: { goal }, interrupt_before: ["apply"] }, ["interrupt_before"]],
      [{ assistant_id: "planner", input: { goal }, multitask_strategy: "interrupt" }, ["multitask_strategy"]],
      [{ assistant_id: "planner", input: { goal }, stream_mode: ["debug"] }, ["stream_mode"]],
      [{ assistant_id: "planner", input: { goal: { ...goal, region: "mars-1" } } }, ["input.goal.region"]],
      [{ assistant_id: "planner", input: {} }, ["input.goal"]],
      [{ assistant_id: "planner", input: { messages: [{ type: "human", content: "   " }] } }, ["input.messages[0].content"]],
      [{ assistant_id: "planner", input: { prompt: "x".repeat(4001) } }, ["input.prompt"]],
      [{ assistant_id: "planner", input: { goal, prompt: "an orders API" } }, ["input.prompt"]],
      [{ assistant_id: "planner", input: { prompt: 42 } }, ["input.prompt"]],
      [{ assistant_id: "planner", input: { goal }, command: { resume: { decision: "approve" } } }, ["command"]],
    ];
    for (const [payload, paths] of cases) {
      const response = await call(planner, "POST", "/threads/strict/runs/wait", payload);
      expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(issuePaths(response)).toEqual(expect.arrayContaining(paths));
    }
    expect((await call(planner, "POST", "/threads/strict/runs/wait", { assistant_id: "someone-else", input: { goal } })).statusCode).toBe(404);
    expect((await call(planner, "POST", "/threads/nobody/runs/wait", { assistant_id: "planner", input: { goal } })).statusCode).toBe(404);
    // nothing of the refused requests stayed behind
    expect((await call(viewer, "GET", "/threads/strict/runs")).json()).toEqual([]);
    expect((await call(viewer, "GET", "/threads/strict")).json().atlas.status).toBe("NEW");
  });

  it("agent-chat-ui's input: the goal as the last human message's JSON; summary messages come back in the values", async () => {
    const response = await call(planner, "POST", "/threads/chat-1/runs/wait", {
      assistant_id: "planner",
      if_not_exists: "create",
      input: { messages: [{ type: "human", content: JSON.stringify({ goal }) }] },
    });
    expect(response.statusCode).toBe(200);
    const messages = response.json().messages as { type: string; content: string; name: string }[];
    expect(messages.filter((message) => message.type === "ai").map((message) => message.name)).toEqual(
      expect.arrayContaining(["architect", "builder", "validator"]),
    );
    expect(messages.every((message) => typeof message.content === "string" && message.content.length > 0)).toBe(true);
  });

  it("enqueue puts a start behind the thread's queued run; reject answers 409", async () => {
    await call(planner, "POST", "/threads", { thread_id: "queue-me" });
    const first = await call(planner, "POST", "/threads/queue-me/runs", { assistant_id: "planner", input: { goal } });
    expect(first.json().status).toBe("pending");
    expect((await call(planner, "POST", "/threads/queue-me/runs", { assistant_id: "planner", input: { goal } })).statusCode).toBe(409);
    const second = await call(planner, "POST", "/threads/queue-me/runs", { assistant_id: "planner", input: { goal }, multitask_strategy: "enqueue" });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ status: "pending", multitask_strategy: "enqueue" });
    // the one behind cannot be cancelled yet: it is not the thread's run
    expect((await call(planner, "POST", `/threads/queue-me/runs/${second.json().run_id}/cancel`)).statusCode).toBe(409);
    const listed = await call(viewer, "GET", "/threads/queue-me/runs");
    expect(listed.json().map((run: { run_id: string }) => run.run_id)).toEqual([second.json().run_id, first.json().run_id]);
  });

  it("messages-tuple streams each node's summary message whole, with its node; messages streams them as messages/complete", async () => {
    const sse = (body: string) => [...body.matchAll(/^event: (.+)\ndata: (.*)$/gm)].map(([, event, data]) => ({ event, data: JSON.parse(data ?? "null") }));
    const tuples = await call(planner, "POST", "/threads/chat-tuples/runs/stream", {
      assistant_id: "planner",
      if_not_exists: "create",
      input: { goal },
      stream_mode: ["messages-tuple"],
    });
    const events = sse(tuples.body);
    expect(events.map((event) => event.event).filter((event) => event !== "messages")).toEqual(["metadata", "end"]);
    const messages = events
      .filter((event) => event.event === "messages")
      .map((event) => event.data as [{ type: string; name: string; id: string; content: string }, { langgraph_node: string }]);
    expect(messages.map(([message, meta]) => [message.name, meta.langgraph_node])).toEqual(
      ["intake", "architect", "builder", "validator"].map((node) => [node, node]),
    );
    for (const [message] of messages) expect(message).toMatchObject({ type: "ai", id: expect.any(String), content: expect.stringMatching(/\S/) });
    // the same messages the thread's values hold (after the goal, as the human message the intake writes)
    const values = (await call(viewer, "GET", "/threads/chat-tuples/state")).json().values.messages as { id: string; type: string }[];
    expect(values.map((message) => message.type)).toEqual(["human", "ai", "ai", "ai", "ai"]);
    expect(messages.map(([message]) => message.id)).toEqual(values.slice(1).map((message) => message.id));

    const complete = await call(planner, "POST", "/threads/chat-complete/runs/stream", {
      assistant_id: "planner",
      if_not_exists: "create",
      input: { goal },
      stream_mode: "messages",
    });
    const completed = sse(complete.body).filter((event) => event.event === "messages/complete");
    expect(completed.map((event) => (event.data as { name: string }[])[0]?.name)).toEqual(["intake", "architect", "builder", "validator"]);
  });

  it("streams the thread's lifecycle events as custom chunks", async () => {
    const response = await call(planner, "POST", "/threads/streamed/runs/stream", {
      assistant_id: "planner",
      if_not_exists: "create",
      input: { goal },
      stream_mode: ["custom"],
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-location"]).toMatch(/^\/threads\/streamed\/runs\//);
    const events = [...response.body.matchAll(/^event: (.+)\ndata: (.*)$/gm)].map(([, event, data]) => ({ event, data: JSON.parse(data ?? "null") }));
    expect(events[0]?.event).toBe("metadata");
    const types = events.filter((event) => event.event === "custom").map((event) => event.data.type);
    expect(types).toEqual(expect.arrayContaining(["plan.pending", "validate.result", "approval.requested"]));
    expect(events.some((event) => event.event === "values")).toBe(false);
    expect(events.at(-1)?.event).toBe("end");
  });
});
