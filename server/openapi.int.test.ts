import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";
import { operations } from "./openapi/operations.js";
import {
  adviceResponseSchema,
  errorResponseSchema,
  healthResponseSchema,
  readyResponseSchema,
  runArtifactsSchema,
  runEventsSchema,
  runHistorySchema,
  runViewSchema,
  schemaListSchema,
  searchResponseSchema,
  validateResponseSchema,
} from "./openapi/responses.js";
import { openApiPath } from "./openapi/spec.js";

// The test's own record of every route the app registers: an onRoute hook on each Fastify
// instance, installed before Atlas registers anything (independent of the spec's collector).
const registered = vi.hoisted(() => [] as { method: string; url: string }[]);
vi.mock("fastify", async (importOriginal) => {
  const actual = await importOriginal<typeof import("fastify")>();
  const wrapped = ((options?: object) => {
    const app = actual.default(options as never);
    app.addHook("onRoute", (route) => {
      for (const method of [route.method].flat()) registered.push({ method, url: route.url });
    });
    return app;
  }) as typeof actual.default;
  return { ...actual, default: wrapped };
});

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("OpenAPI description and docs page", () => {
  let db: Database;
  let t: TestApp;
  let spec: {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; security?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
    const res = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    spec = res.json();
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  it("is OpenAPI 3.1 and lists every route the app registered, and nothing else", () => {
    expect(spec.openapi).toBe("3.1.0");
    const routes = registered.filter((route) => route.method !== "HEAD" && route.method !== "OPTIONS");
    expect(routes.length).toBeGreaterThanOrEqual(18);
    for (const route of routes) {
      expect(spec.paths[openApiPath(route.url)]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    }
    const listed = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(new Set(listed)).toEqual(new Set(routes.map((route) => `${route.method} ${openApiPath(route.url)}`)));
  });

  it("describes bodies and responses with JSON Schema from the zod schemas, shared ones as components", () => {
    const plan = spec.paths["/architect/plan"]?.post;
    expect(plan?.requestBody).toEqual({ required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/PlanRequest" } } } });
    const planRequest = spec.components.schemas.PlanRequest as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(planRequest.properties.goal).toEqual({ $ref: "#/components/schemas/GoalStatement" });
    expect(planRequest.additionalProperties).toBe(false);
    expect(spec.components.schemas.GoalStatement).toMatchObject({ type: "object", properties: expect.objectContaining({ region: expect.anything() }) });
    expect(spec.paths["/slack/commands"]?.post?.requestBody).toMatchObject({ content: { "application/x-www-form-urlencoded": expect.anything() } });
    expect(spec.paths["/architect/plan/{thread_id}/resume"]?.post?.requestBody).toMatchObject({
      content: { "application/json": { schema: { $ref: "#/components/schemas/ApprovalDecision" } } },
    });
    // every $ref points at a component that exists
    const refs = JSON.stringify(spec).match(/"\$ref":"([^"]+)"/g) ?? [];
    for (const ref of refs) {
      const name = ref.slice(ref.lastIndexOf("/") + 1, -1);
      expect(spec.components.schemas[name], ref).toBeDefined();
    }
    // public routes opt out of the bearer requirement; the rest answer 401 without a key
    expect(spec.paths["/healthz"]?.get?.security).toEqual([]);
    expect(spec.paths["/slack/commands"]?.post?.security).toEqual([]);
    expect(spec.paths["/architect/plan"]?.post?.security).toBeUndefined();
    expect(spec.paths["/architect/plan"]?.post?.responses["401"]).toBeDefined();
    // the routes this issue's owners wrote are described, not listed as undescribed
    for (const key of Object.keys(operations)) {
      const [method, url] = key.split(" ") as [string, string];
      expect(spec.paths[openApiPath(url)]?.[method.toLowerCase()], key).not.toHaveProperty("x-undescribed");
    }
  });

  it("what the routes answer matches the documented response schemas", async () => {
    const get = (url: string) => t.app.inject({ method: "GET", url, headers: t.auth });
    const post = (url: string, payload: object) => t.app.inject({ method: "POST", url, headers: t.auth, payload });
    const check = async (schema: z.ZodType, response: Promise<{ json(): unknown }>) => {
      const parsed = schema.safeParse((await response).json());
      expect(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
    };
    const run = (await post("/architect/plan", { goal })).json();
    await check(runViewSchema, Promise.resolve({ json: () => run }));
    await check(runViewSchema, get(`/architect/plan/${run.thread_id}`));
    await check(runHistorySchema, get(`/architect/plan/${run.thread_id}/history`));
    await check(runEventsSchema, get(`/architect/plan/${run.thread_id}/events`));
    await check(runArtifactsSchema, get(`/architect/plan/${run.thread_id}/artifacts`));
    await check(runViewSchema, post(`/architect/plan/${run.thread_id}/resume`, { decision: "approve", approver: "alice" }));
    await check(searchResponseSchema, post("/rag/search", { query: "pods restarting" }));
    await check(adviceResponseSchema, post("/architect/advice", { question: "pods restarting, what do I check?" }));
    await check(validateResponseSchema, post("/architect/validate", { files: [{ path: "main.tf", content: 'resource "aws_s3_bucket" "b" {}' }] }));
    await check(healthResponseSchema, get("/healthz"));
    await check(readyResponseSchema, get("/readyz"));
    await check(schemaListSchema, get("/schemas"));
    await check(errorResponseSchema, post("/architect/plan", {}));
    await check(errorResponseSchema, get("/architect/plan/no-such-thread"));
  });

  it("GET /docs renders the description as one self-contained page", async () => {
    const res = await t.app.inject({ method: "GET", url: "/docs" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const operation of Object.values(methods)) {
        expect(res.body).toContain(`id="${operation.operationId}"`);
      }
      expect(res.body).toContain(`<code>${path}</code>`);
    }
    expect(res.body).toContain('id="schema-GoalStatement"');
    expect(res.body).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(/i);
    expect(res.body).not.toMatch(/(href|src)="https?:/);
  });
});
