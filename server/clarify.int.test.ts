import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { runViewSchema } from "./responses.js";
import { interpretationSchema } from "./routes/plan.js";

// Issue 13: goals in plain language. The deterministic reading (no model key here), the clarify
// interrupt when a deciding fact is unstated, and its answers over Atlas's API and the Platform API.

let db: Database;
let t: TestApp;

beforeAll(async () => {
  db = await embeddedTestDatabase();
  t = await buildTestApp(db);
});
afterAll(async () => {
  await t?.close();
  await db?.close();
});

const post = (url: string, payload: unknown) => t.app.inject({ method: "POST", url, payload: payload as object, headers: t.auth });
const get = (url: string) => t.app.inject({ method: "GET", url, headers: t.auth });
const issuePaths = (response: { json(): unknown }) => (response.json() as { error: { issues?: { path: string }[] } }).error.issues?.map((issue) => issue.path);

const COMPLETE =
  "Design a Postgres-backed orders API for production in eu-west-1, about 800 rps at peak, 99.95 % availability, under $2,000 a month, no Kubernetes";
const UNSTATED = "A small internal reporting service for the finance team in eu-west-1, around 20 requests per second";

describe("a goal in plain language", () => {
  it("a description that states every deciding fact is planned straight away, each field with the words it came from", async () => {
    const response = await post("/architect/plan", { prompt: COMPLETE, thread_id: "orders-prose" });
    expect(response.statusCode).toBe(200);
    const run = runViewSchema.parse(response.json());
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(run.reading?.missing).toEqual([]);
    const read = Object.fromEntries((run.reading?.fields ?? []).map((field) => [field.path, field]));
    expect(read.region).toMatchObject({ value: "eu-west-1", from: expect.stringContaining("eu-west-1") });
    expect(read["budget.monthly_usd"]).toMatchObject({ value: 2000 });
    expect(read["slo.availability"]).toMatchObject({ value: 99.95 });
    for (const field of run.reading?.fields ?? []) expect(COMPLETE).toContain(field.from);
    expect(run.plan?.cost.budget_usd).toBe(2000);
  });

  it("stops at the clarify interrupt for what it leaves out; a wrong answer is a 400 and the questions keep waiting; answers go on to approval", async () => {
    const started = await post("/architect/plan", { prompt: UNSTATED, thread_id: "reporting" });
    expect(started.statusCode).toBe(200);
    const waiting = runViewSchema.parse(started.json());
    expect(waiting.status).toBe("WAIT_FOR_ANSWER");
    const interrupt = waiting.interrupt as { kind: string; questions: { path: string; question: string; default: unknown }[] };
    expect(interrupt.kind).toBe("clarify");
    const asked = interrupt.questions.map((question) => question.path);
    expect(asked).toEqual(expect.arrayContaining(["budget.monthly_usd", "slo.availability", "environment"]));
    for (const question of interrupt.questions) expect(question.question.length).toBeGreaterThan(10);
    expect(waiting.plan).toBeNull();

    const wrong = await post("/architect/plan/reporting/answer", { answers: { "budget.monthly_usd": -5 } });
    expect(wrong.statusCode).toBe(400);
    expect(issuePaths(wrong)).toEqual(["answers.budget.monthly_usd"]);
    const unknownField = await post("/architect/plan/reporting/answer", { answers: { colour: "blue" } });
    expect(issuePaths(unknownField)).toEqual(["answers.colour"]);
    expect((await get("/architect/plan/reporting")).json().status).toBe("WAIT_FOR_ANSWER");
    // approving is not what it waits for
    expect((await post("/architect/plan/reporting/resume", { decision: "approve", approver: "x" })).statusCode).toBe(409);

    const answered = await post("/architect/plan/reporting/answer", { answers: { "budget.monthly_usd": 600, environment: "staging" } });
    expect(answered.statusCode).toBe(200);
    const run = runViewSchema.parse(answered.json());
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(run.plan?.cost.budget_usd).toBe(600);
    expect(run.reading?.answers).toMatchObject({ "budget.monthly_usd": 600, environment: "staging", by: "test-admin" });
    expect(run.reading?.assumed).toEqual(asked.filter((path) => path !== "budget.monthly_usd" && path !== "environment"));

    const events = (await get("/architect/plan/reporting/events")).json().events.map((event: { type: string }) => event.type);
    expect(events.slice(0, 2)).toEqual(["clarify.requested", "plan.pending"]);
    const audit = await get("/audit?target=reporting");
    expect(audit.json().entries.map((entry: { action: string }) => entry.action)).toContain("clarify.answer");
  });

  it("interprets without starting a run, for a confirmation step", async () => {
    const response = await post("/architect/interpret", { prompt: UNSTATED });
    const reading = interpretationSchema.parse(response.json());
    expect(reading.reading.missing.length).toBeGreaterThan(0);
    expect(reading.goal?.region).toBe("eu-west-1");
    expect(reading.assumed).toEqual(reading.reading.missing.map((fact) => fact.path));
    expect((await get("/architect/plan/none")).statusCode).toBe(404);
  });

  it("refuses a goal and a prompt together, and a blank prompt", async () => {
    const both = await post("/architect/plan", { prompt: COMPLETE, goal: { name: "x" } });
    expect(both.statusCode).toBe(400);
    const blank = await post("/architect/plan", { prompt: "   " });
    expect(issuePaths(blank)).toEqual(["prompt"]);
  });

  it("runs a prompt in the background, and accepts the defaults", async () => {
    const queued = await post("/architect/plan", { prompt: UNSTATED, thread_id: "reporting-bg", background: true });
    expect(queued.statusCode).toBe(202);
    let status = "PENDING";
    for (let i = 0; i < 600 && (status === "PENDING" || status === "IN_PROGRESS"); i++) {
      status = (await get("/architect/plan/reporting-bg")).json().status;
      if (status === "PENDING" || status === "IN_PROGRESS") await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe("WAIT_FOR_ANSWER");
    const answered = await post("/architect/plan/reporting-bg/answer", { accept_defaults: true });
    expect(answered.json().status).toBe("WAIT_FOR_APPROVE");
    expect(answered.json().reading.assumed.length).toBeGreaterThan(0);
  });

  it("the LangGraph Platform API: a chat message in prose asks its questions; agent-chat-ui's edit answers them", async () => {
    const first = await post("/threads/chat-prose/runs/wait", {
      assistant_id: "planner",
      if_not_exists: "create",
      input: { messages: [{ type: "human", content: UNSTATED }] },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().status).toBe("WAIT_FOR_ANSWER");
    expect(first.json().__interrupt__[0].value).toMatchObject({ kind: "clarify", config: { allow_edit: true } });
    const bad = await post("/threads/chat-prose/runs/wait", { assistant_id: "planner", command: { resume: [{ type: "ignore" }] } });
    expect(bad.statusCode).toBe(400);
    expect(issuePaths(bad)).toEqual(["command.resume.type"]);
    const answered = await post("/threads/chat-prose/runs/wait", {
      assistant_id: "planner",
      command: { resume: [{ type: "edit", args: { action: "answer_questions", args: { "budget.monthly_usd": 900, environment: "prod" } } }] },
    });
    expect(answered.json().status).toBe("WAIT_FOR_APPROVE");
    expect(answered.json().goal).toMatchObject({ environment: "prod", budget: { monthly_usd: 900 } });
  });
});
