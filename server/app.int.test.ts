import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestPaths } from "../ingest/ingest.js";
import type { Database } from "../lib/db/database.js";
import { AtlasError } from "../lib/errors.js";
import { citedIds } from "../rag/advice/grounded.js";
import { buildTestApp, type CapturedLogs, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { fixtureRunbooksDir } from "../test/helpers/tmp.js";

const BODY_LIMIT = 4096;
let db: Database;
let app: FastifyInstance;
let testApp: TestApp;

interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[]; request_id?: string };
}

beforeAll(async () => {
  db = await embeddedTestDatabase();
  await ingestPaths({ pool: db.pool, embedder: null }, [fixtureRunbooksDir]);
  testApp = await buildTestApp(db, { env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
  app = testApp.app;
});
afterAll(async () => {
  await testApp?.close();
  await db?.close();
});

const post = (url: string, payload: unknown) => app.inject({ method: "POST", url, payload: payload as object, headers: testApp.auth });

describe("health", () => {
  it("GET /healthz answers 200 with safe headers", async () => {
    const response = await app.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["cache-control"]).toBe("no-store");
  });

  it("GET /readyz answers 200 with its checks", async () => {
    const response = await app.inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: "ready",
      checks: {
        database: { ok: true, detail: "embedded" },
        migrations: { ok: true },
        redis: { ok: true, detail: "not configured: in-process event bus, queue and counters" },
      },
    });
  });
});

describe("POST /rag/search", () => {
  it("returns hits best first with citation fields and no full content", async () => {
    const response = await post("/rag/search", { query: "replication lag on the replica", collapse_by_file: false, threshold: 0 });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { query: string; mode: string; results: Record<string, unknown>[] };
    expect(body.query).toBe("replication lag on the replica");
    expect(body.mode).toBe("lexical");
    expect(body.results.length).toBeGreaterThan(1);
    expect(body.results[0]?.source).toBe("databases/postgres-replication-lag.md");
    for (const [i, hit] of body.results.entries()) {
      expect(hit).toEqual(
        expect.objectContaining({
          source: expect.any(String),
          heading_path: expect.any(Array),
          line_start: expect.any(Number),
          line_end: expect.any(Number),
          snippet: expect.any(String),
        }),
      );
      expect(hit).not.toHaveProperty("content");
      if (i > 0) expect(body.results[i - 1]?.score as number).toBeGreaterThanOrEqual(hit.score as number);
    }
  });

  it("passes top_k and filters through", async () => {
    const response = await post("/rag/search", {
      query: "kubectl logs pod",
      top_k: 1,
      filters: { source_prefix: "compute/" },
    });
    const body = response.json() as { results: { source: string }[] };
    expect(body.results).toHaveLength(1);
    expect(body.results[0]?.source.startsWith("compute/")).toBe(true);
  });
});

describe("POST /architect/advice", () => {
  it("answers from the runbooks with [n] markers that all refer to citations", async () => {
    const response = await post("/architect/advice", { question: "How do I fix Postgres replication lag on a replica?" });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      answer: string;
      grounded: boolean;
      mode: string;
      citations: { id: number; source: string; line_start: number; line_end: number; heading_path: string[] }[];
    };
    expect(body.grounded).toBe(true);
    expect(body.mode).toBe("extractive");
    expect(body.citations.length).toBeGreaterThan(0);
    const ids = body.citations.map((citation) => citation.id);
    expect(new Set(ids).size).toBe(ids.length);
    const used = citedIds(body.answer);
    expect(used.size).toBeGreaterThan(0);
    for (const id of used) expect(ids).toContain(id);
    for (const id of ids) expect(used.has(id)).toBe(true);
    expect(body.citations[0]?.source).toBe("databases/postgres-replication-lag.md");
    for (const citation of body.citations) {
      expect(citation.source.startsWith("/")).toBe(false);
      expect(citation.source).not.toContain(fixtureRunbooksDir);
      const path = join(fixtureRunbooksDir, citation.source);
      expect(existsSync(path)).toBe(true);
      const lines = readFileSync(path, "utf8").split("\n").length;
      expect(citation.line_start).toBeGreaterThanOrEqual(1);
      expect(citation.line_end).toBeLessThanOrEqual(lines);
    }
    expect(body.answer).toMatch(/pg_cancel_backend|replay|pg_stat_replication/);
  });

  it("says it does not know an unknown topic instead of guessing", async () => {
    const response = await post("/architect/advice", { question: "What is the best banana bread recipe?" });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { grounded: boolean; citations: unknown[]; answer: string };
    expect(body.grounded).toBe(false);
    expect(body.citations).toEqual([]);
    expect(citedIds(body.answer).size).toBe(0);
  });
});

describe("request validation and errors", () => {
  it.each([
    ["missing question", {}, "question"],
    ["top_k not a number", { question: "disk full", top_k: "a" }, "top_k"],
    ["top_k zero", { question: "disk full", top_k: 0 }, "top_k"],
    ["unknown field", { question: "disk full", verbose: true }, "verbose"],
    ["filters.collection not a string", { question: "disk full", filters: { collection: 5 } }, "filters.collection"],
    ["empty question", { question: "" }, "question"],
    ["non-object body", ["disk full"], "(body)"],
  ])("400 for %s (%j), naming %s", async (_case, payload, path) => {
    const response = await post("/architect/advice", payload);
    expect(response.statusCode).toBe(400);
    const body = response.json() as ErrorBody;
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.issues?.map((issue) => issue.path)).toContain(path);
  });

  it("400 for malformed JSON", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/architect/advice",
      headers: { ...testApp.auth, "content-type": "application/json" },
      payload: '{"question": "disk full",',
    });
    expect(response.statusCode).toBe(400);
    const body = response.json() as ErrorBody;
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.issues?.[0]?.path).toBe("(body)");
  });

  it("400 for an empty JSON body", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/rag/search",
      headers: { ...testApp.auth, "content-type": "application/json" },
      payload: "",
    });
    expect(response.statusCode).toBe(400);
    expect((response.json() as ErrorBody).error.code).toBe("VALIDATION_FAILED");
  });

  it("413 for a body over BODY_LIMIT_BYTES", async () => {
    const response = await post("/architect/advice", { question: "x".repeat(BODY_LIMIT + 100) });
    expect(response.statusCode).toBe(413);
    expect((response.json() as ErrorBody).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("415 for a text/plain body", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/architect/advice",
      headers: { ...testApp.auth, "content-type": "text/plain" },
      payload: "How do I fix replication lag?",
    });
    expect(response.statusCode).toBe(415);
    expect((response.json() as ErrorBody).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("404 for an unknown route", async () => {
    const response = await app.inject({ method: "GET", url: "/no/such/route", headers: testApp.auth });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: "NOT_FOUND", message: "No route for GET /no/such/route" } });
  });
});

describe("failures inside a route", () => {
  let failingApp: TestApp;
  let failing: FastifyInstance;
  let logs: CapturedLogs;
  const secret = "connection to postgres://admin:hunter2@db.internal failed";

  beforeAll(async () => {
    failingApp = await buildTestApp(db, {
      logLevel: "error",
      mutate: (deps) => {
        deps.search = async (query) => {
          if (query.includes("conflict")) throw new AtlasError("CONFLICT", "The store is being re-embedded.");
          if (query.includes("unavailable")) throw new AtlasError("UNAVAILABLE", "Database is starting.");
          throw new Error(secret);
        };
      },
    });
    ({ app: failing, logs } = failingApp);
  });
  afterAll(async () => {
    await failingApp?.close();
  });

  it("500 with a generic message that does not leak the thrown one, which is logged instead", async () => {
    const response = await failing.inject({ method: "POST", url: "/rag/search", payload: { query: "disk full" }, headers: failingApp.auth });
    expect(response.statusCode).toBe(500);
    const body = response.json() as ErrorBody;
    expect(body.error.code).toBe("INTERNAL");
    expect(body.error.message).not.toContain("hunter2");
    expect(response.body).not.toContain(secret);
    expect(body.error.request_id).toEqual(expect.any(String));
    const logged = logs.find((line) => line.msg === "request failed");
    expect(logged).toMatchObject({ url: "/rag/search", method: "POST" });
    expect(JSON.stringify(logged)).toContain(secret);
  });

  it("the advice route fails the same way", async () => {
    const response = await failing.inject({ method: "POST", url: "/architect/advice", payload: { question: "disk full" }, headers: failingApp.auth });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain(secret);
  });

  it("an AtlasError keeps its status and message", async () => {
    const conflict = await failing.inject({ method: "POST", url: "/rag/search", payload: { query: "conflict" }, headers: failingApp.auth });
    expect(conflict.statusCode).toBe(409);
    expect((conflict.json() as ErrorBody).error).toMatchObject({ code: "CONFLICT", message: "The store is being re-embedded." });
    const unavailable = await failing.inject({ method: "POST", url: "/rag/search", payload: { query: "unavailable" }, headers: failingApp.auth });
    expect(unavailable.statusCode).toBe(503);
    expect((unavailable.json() as ErrorBody).error).toMatchObject({ code: "UNAVAILABLE", message: "Database is starting." });
  });
});
