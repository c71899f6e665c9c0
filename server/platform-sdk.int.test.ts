import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../lib/db/database.js";
import { readMigrations } from "../lib/db/migrate.js";
import { buildTestApp, type TestApp, type TestKey } from "../test/helpers/app.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";
import { runSchema, threadSchema, threadStateSchema } from "./routes/platform/schemas.js";

// Issue 12: the official @langchain/langgraph-sdk client drives Atlas over real HTTP. Two
// replicas (two servers, two pools) share one native PostgreSQL and one real Redis, as a
// production deployment does; each runs a background worker.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `atlas-test-${randomBytes(4).toString("hex")}:`;

let native: NativeTestDatabase;
let a: TestApp;
let b: TestApp;
const urls: Record<"a" | "b", string> = { a: "", b: "" };
let planner: TestKey;
let approver: TestKey;
let outsider: TestKey;

/** Replicas of one deployment share the signing key (ATLAS_SIGNING_KEY_FILE): a run built on one is applied on the other. */
const signingKeyFile = join(makeTmpDir("atlas-sdk-key-"), "signing-key.pem");

async function replica(): Promise<TestApp> {
  const db = await openDatabase({ url: native.url });
  return buildTestApp(db, {
    env: { DATABASE_URL: native.url, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, RUN_WORKERS: "1", ATLAS_SIGNING_KEY_FILE: signingKeyFile },
    overrides: { migrations: readMigrations().filter((m) => !m.requiresVector), search: async () => [] },
  });
}

/** The SDK's client on one replica, with a key (sent as `x-api-key`, as the SDK does). */
const sdk = (on: "a" | "b", key: TestKey) => new Client({ apiUrl: urls[on], apiKey: key.key, callerOptions: { maxRetries: 0 } });

/** The HTTP status an SDK call failed with. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
  return 200;
}

type Values = Record<string, unknown> & { status?: string; __interrupt__?: { value: { kind: string; plan_version: number } }[] };

beforeAll(async () => {
  native = await nativeTestDatabase();
  a = await replica();
  b = await replica();
  urls.a = await a.app.listen({ port: 0, host: "127.0.0.1" });
  urls.b = await b.app.listen({ port: 0, host: "127.0.0.1" });
  // tenant "acme" refuses self-approval: one key plans, another approves
  planner = await a.createKey({ roles: ["planner"], tenant: "acme", name: "acme-planner" });
  approver = await a.createKey({ roles: ["approver"], tenant: "acme", name: "acme-lead" });
  outsider = await a.createKey({ roles: ["admin"], tenant: "globex", name: "globex-admin" });
});

afterAll(async () => {
  for (const t of [a, b]) {
    await t?.close();
    await t?.deps.close();
  }
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await native?.drop();
  removeTmpDir(dirname(signingKeyFile));
});

describe("the LangGraph SDK against Atlas", () => {
  it("finds the planner assistant and the server's health", async () => {
    const client = sdk("a", planner);
    const found = await client.assistants.search({ graphId: "planner" });
    expect(found.map((assistant) => assistant.graph_id)).toEqual(["planner"]);
    const byGraph = await client.assistants.get("planner");
    expect(byGraph.assistant_id).toBe(found[0]?.assistant_id);
    const schemas = await client.assistants.getSchemas("planner");
    expect(Object.keys((schemas.input_schema as { properties: Record<string, unknown> }).properties)).toEqual(["goal", "prompt", "messages"]);
    const graph = await client.assistants.getGraph("planner");
    expect(graph.nodes.map((node) => node.id)).toEqual(expect.arrayContaining(["architect", "builder", "validator", "approval", "apply"]));
    expect(await (await fetch(`${urls.a}/ok`)).json()).toEqual({ ok: true });
  });

  it("streams a plan to the approval, resumes it with a Command to DONE and a GitOps commit; the other replica reads the same thread", async () => {
    const client = sdk("a", planner);
    const thread = await client.threads.create({ metadata: { team: "payments" } });
    expect(threadSchema.parse(thread)).toMatchObject({ status: "idle", metadata: { team: "payments" } });

    const events: { event: string; data: unknown }[] = [];
    let created: { run_id: string } | undefined;
    for await (const part of client.runs.stream(thread.thread_id, "planner", {
      input: { goal },
      streamMode: ["values", "updates"],
      onRunCreated: (meta) => {
        created = meta;
      },
    })) {
      events.push(part);
    }
    expect(events[0]?.event).toBe("metadata");
    expect(created?.run_id).toBe((events[0]?.data as { run_id?: string } | undefined)?.run_id);
    const updatedNodes = events.filter((part) => part.event === "updates").flatMap((part) => Object.keys(part.data as object));
    expect(updatedNodes).toEqual(expect.arrayContaining(["architect", "builder", "validator", "__interrupt__"]));
    const interrupt = events.flatMap((part) => (part.event === "values" ? ((part.data as Values).__interrupt__ ?? []) : []))[0];
    expect(interrupt?.value).toMatchObject({ kind: "approval", plan_version: 1 });
    expect(events.at(-1)?.event).toBe("end");

    const state = threadStateSchema.parse(await client.threads.getState(thread.thread_id));
    expect(state.next).toEqual(["approval"]);
    expect((state.values as Values).status).toBe("WAIT_FOR_APPROVE");
    expect(state.tasks[0]?.interrupts[0]?.value).toMatchObject({ kind: "approval" });
    const history = await client.threads.getHistory(thread.thread_id, { limit: 50 });
    expect(history.length).toBeGreaterThanOrEqual(4);
    expect(history[0]?.checkpoint.checkpoint_id).toBe(state.checkpoint.checkpoint_id);
    const atCheckpoint = await client.threads.getState(thread.thread_id, history[1]?.checkpoint.checkpoint_id ?? "");
    expect(atCheckpoint.checkpoint.checkpoint_id).toBe(history[1]?.checkpoint.checkpoint_id);

    // the other replica sees the same thread, waiting
    const fromB = threadSchema.parse(await sdk("b", planner).threads.get(thread.thread_id));
    expect(fromB.status).toBe("interrupted");
    expect(Object.values(fromB.interrupts).flat()[0]?.value).toMatchObject({ kind: "approval", plan_version: 1 });

    // resume with a Command on replica B: approve → apply → DONE
    const done = (await sdk("b", approver).runs.wait(thread.thread_id, "planner", { command: { resume: { decision: "approve" } } })) as Values;
    expect(done.status).toBe("DONE");
    const applied = done.applied as { commit: string; path: string; approver: string };
    expect(applied.approver).toBe("acme-lead");
    const log = execFileSync("git", ["-C", b.deps.gitops.dir, "log", "--format=%H"], { encoding: "utf8" });
    expect(log.split("\n")).toContain(applied.commit);

    const runs = await client.runs.list(thread.thread_id);
    expect(runs.map((run) => runSchema.parse(run)).map((run) => [run.status, (run.kwargs as { command?: unknown }).command ? "resume" : "start"])).toEqual([
      ["success", "resume"],
      ["interrupted", "start"],
    ]);
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");

    // the decision is in the audit log under the approver's key
    const audit = await fetch(`${urls.a}/audit?target=${thread.thread_id}`, {
      headers: { "x-api-key": (await a.createKey({ roles: ["admin"], tenant: "acme" })).key },
    });
    expect(((await audit.json()) as { entries: { action: string; actor_name: string }[] }).entries).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: "approval.approve", actor_name: "acme-lead" })]),
    );
  });

  it("an invalid resume is a 400 and leaves the interrupt waiting; the thread then resumes", async () => {
    const client = sdk("a", planner);
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "planner", { input: { goal } });
    const lead = sdk("a", approver);
    expect(await statusOf(lead.runs.wait(thread.thread_id, "planner", { command: { resume: { decision: "maybe" } } }))).toBe(400);
    expect(await statusOf(lead.runs.create(thread.thread_id, "planner", { command: { resume: [{ type: "edit", args: {} }] } }))).toBe(400);
    // a revise whose changes make an invalid goal is refused before the graph, too
    expect(await statusOf(lead.runs.wait(thread.thread_id, "planner", { command: { resume: { decision: "revise", changes: { region: "mars-1" } } } }))).toBe(
      400,
    );
    const still = await client.threads.get(thread.thread_id);
    expect(still.status).toBe("interrupted");
    expect(await client.runs.list(thread.thread_id)).toHaveLength(1);
    // the planner cannot answer the approval
    expect(await statusOf(client.runs.wait(thread.thread_id, "planner", { command: { resume: { decision: "approve" } } }))).toBe(403);

    // agent-chat-ui's answer: ignore → reject
    const rejected = (await lead.runs.wait(thread.thread_id, "planner", { command: { resume: [{ type: "ignore", args: null }] } })) as Values;
    expect(rejected.status).toBe("REJECTED");
  });

  it("a goal in plain language (input.prompt) asks what it leaves out; agent-chat-ui's accept takes the defaults, named as assumed, then the approval", async () => {
    const client = sdk("a", planner);
    const thread = await client.threads.create();
    const prompt = "A small internal reporting service for the finance team in eu-west-1, around 20 requests per second";
    const asked = (await client.runs.wait(thread.thread_id, "planner", { input: { prompt } })) as Values & {
      __interrupt__: { value: { kind: string; questions: { path: string }[] } }[];
    };
    expect(asked.status).toBe("WAIT_FOR_ANSWER");
    const questions = asked.__interrupt__[0]?.value.questions.map((question) => question.path) ?? [];
    expect(questions).toEqual(expect.arrayContaining(["budget.monthly_usd", "slo.availability"]));
    expect((await sdk("b", planner).threads.get(thread.thread_id)).status).toBe("interrupted");
    // an answer that is not one is a 400, and the questions keep waiting
    expect(await statusOf(client.runs.wait(thread.thread_id, "planner", { command: { resume: [{ type: "ignore", args: null }] } }))).toBe(400);
    const planned = (await sdk("b", planner).runs.wait(thread.thread_id, "planner", { command: { resume: [{ type: "accept", args: null }] } })) as Values & {
      reading: { assumed: string[] };
      goal: { region: string };
    };
    expect(planned.status).toBe("WAIT_FOR_APPROVE");
    expect(planned.goal.region).toBe("eu-west-1");
    expect(planned.reading.assumed).toEqual(expect.arrayContaining(questions));
    expect(planned.__interrupt__?.[0]?.value.kind).toBe("approval");
    // a goal and a prompt together, or a blank prompt, is a 400 naming the field
    expect(await statusOf(client.runs.wait(thread.thread_id, "planner", { input: { goal, prompt } }))).toBe(400);
    expect(await statusOf(client.runs.wait(null, "planner", { input: { prompt: "   " } }))).toBe(400);
  });

  it("a background run queued on one replica is joined from the other", async () => {
    const client = sdk("a", planner);
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "planner", { input: { goal } });
    expect(runSchema.parse(run).status).toMatch(/pending|running|interrupted/);
    const joined = (await sdk("b", planner).runs.join(thread.thread_id, run.run_id)) as Values;
    expect(joined.status).toBe("WAIT_FOR_APPROVE");
    expect(joined.__interrupt__?.[0]?.value.kind).toBe("approval");
    expect((await sdk("b", planner).runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted");

    // a second start on the waiting thread is refused (reject is the default multitask strategy)
    expect(await statusOf(client.runs.create(thread.thread_id, "planner", { input: { goal } }))).toBe(409);

    // following the ended run from the other replica gives its values and ends
    const followed: string[] = [];
    for await (const part of sdk("b", planner).runs.joinStream(thread.thread_id, run.run_id)) followed.push(part.event);
    expect(followed[0]).toBe("metadata");
    expect(followed.slice(-2)).toEqual(["values", "end"]);
  });

  it("another tenant's thread is a 404 through every route", async () => {
    const client = sdk("a", planner);
    const thread = await client.threads.create();
    const other = sdk("b", outsider);
    expect(await statusOf(other.threads.get(thread.thread_id))).toBe(404);
    expect(await statusOf(other.threads.getState(thread.thread_id))).toBe(404);
    expect(await statusOf(other.runs.wait(thread.thread_id, "planner", { input: { goal } }))).toBe(404);
    expect(await statusOf(other.threads.delete(thread.thread_id))).toBe(404);
    expect(await other.threads.search({ ids: [thread.thread_id] })).toEqual([]);
    // and a wrong key is a 401
    expect(await statusOf(new Client({ apiUrl: urls.a, apiKey: "atlas_wrong", callerOptions: { maxRetries: 0 } }).threads.get(thread.thread_id))).toBe(401);
  });

  it("the Platform routes are in the OpenAPI description", async () => {
    const document = (await (await fetch(`${urls.a}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, method] of [
      ["/threads", "post"],
      ["/threads/{thread_id}/runs/stream", "post"],
      ["/threads/{thread_id}/runs/{run_id}/join", "get"],
      ["/runs/wait", "post"],
      ["/assistants/search", "post"],
      ["/info", "get"],
    ] as const) {
      expect(document.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });
});
