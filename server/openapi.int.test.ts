import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";
import { errorResponseSchema, runViewSchema } from "./responses.js";
import { auditEntrySchema, budgetSchema, keyRecordSchema } from "./routes/admin.js";
import { adviceResponseSchema } from "./routes/advice.js";
import { healthResponseSchema, readyResponseSchema } from "./routes/health.js";
import { runArtifactsSchema, runEventsSchema, runHistorySchema } from "./routes/plan-reads.js";
import { searchResponseSchema } from "./routes/rag.js";
import { schemaListSchema } from "./routes/schemas.js";
import { validateResponseSchema } from "./routes/validate.js";

// The test's own record of every route the app registers: an onRoute hook on each Fastify
// instance, installed before Atlas registers anything (independent of the spec's collector).
// `route` is kept to read its config once every plugin's onRoute hooks have run.
const registered = vi.hoisted(() => [] as { method: string; url: string; route: { config?: unknown } }[]);
vi.mock("fastify", async (importOriginal) => {
  const actual = await importOriginal<typeof import("fastify")>();
  const wrapped = ((options?: object) => {
    const app = actual.default(options as never);
    app.addHook("onRoute", (route) => {
      for (const method of [route.method].flat()) registered.push({ method, url: route.url, route });
    });
    return app;
  }) as typeof actual.default;
  return { ...actual, default: wrapped };
});

/** A Fastify route pattern as OpenAPI paths write it: `/a/:id/files/*` → `/a/{id}/files/{*}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, "{$1}").replace(/\*/g, "{*}");

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("OpenAPI description and docs page", () => {
  let db: Database;
  let t: TestApp;
  let spec: {
    openapi: string;
    security: unknown[];
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          summary?: string;
          tags?: string[];
          "x-atlas-role"?: string;
          security?: unknown[];
          requestBody?: unknown;
          responses: Record<string, unknown>;
        }
      >
    >;
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
    // the resume body is the decision without the identity (the key decides; `approver` is optional, a note)
    const resumeRequest = spec.paths["/architect/plan/{thread_id}/resume"]?.post?.requestBody as
      | { content: Record<string, { schema: { $ref?: string } }> }
      | undefined;
    const resumeBody = resumeRequest?.content["application/json"]?.schema;
    const resume = (resumeBody?.$ref ? spec.components.schemas[resumeBody.$ref.slice(resumeBody.$ref.lastIndexOf("/") + 1)] : resumeBody) as {
      properties: Record<string, unknown>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(resume).toMatchObject({ required: ["decision"], additionalProperties: false });
    expect(Object.keys(resume.properties).sort()).toEqual(["approver", "changes", "comment", "decision"]);
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
    // every route is described, none listed as undescribed
    for (const { method, url } of registered.filter((route) => route.method !== "HEAD" && route.method !== "OPTIONS")) {
      expect(spec.paths[openApiPath(url)]?.[method.toLowerCase()], `${method} ${url}`).not.toHaveProperty("x-undescribed");
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
    await check(z.object({ keys: z.array(keyRecordSchema) }), get("/admin/keys"));
    await check(budgetSchema, get("/admin/budget"));
    await check(
      z.object({ entries: z.array(auditEntrySchema) }).refine((body) => body.entries.length > 0),
      get("/audit"),
    );
    await check(errorResponseSchema, post("/architect/plan", {}));
    await check(errorResponseSchema, get("/architect/plan/no-such-thread"));
  });

  it("every operation has a summary, a tag and the access its route config gives it", () => {
    const routes = new Map(
      registered
        .filter((route) => route.method !== "HEAD" && route.method !== "OPTIONS")
        .map((route) => [`${route.method} ${openApiPath(route.url)}`, route.route]),
    );
    expect(spec.security).toEqual([{ bearerAuth: [] }]);
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const key = `${method.toUpperCase()} ${path}`;
        expect(operation.summary, key).toMatch(/\S/);
        expect(operation.tags?.length, key).toBeGreaterThan(0);
        const config = routes.get(key)?.config as { public?: boolean; role?: string } | undefined;
        // the rule requiredRole enforces: public, else the route's role, else admin
        const role = config?.public === true ? "public" : (config?.role ?? "admin");
        expect(operation["x-atlas-role"], key).toBe(role);
        if (role === "public") {
          expect(operation.security, key).toEqual([]);
        } else {
          // the document's bearer requirement applies, and the operation says it can refuse a key
          expect(operation.security, key).toBeUndefined();
          expect(operation.responses["401"], key).toBeDefined();
        }
      }
    }
    // the roles the old ROUTE_ROLES table and its GET /architect/plan/* rule gave
    const roles: Record<string, string> = {
      "GET /healthz": "public",
      "GET /readyz": "public",
      "GET /schemas": "viewer",
      "GET /schemas/{name}": "viewer",
      "POST /rag/search": "viewer",
      "POST /architect/advice": "viewer",
      "POST /architect/validate": "viewer",
      "POST /architect/plan": "planner",
      "POST /architect/plan/{thread_id}/resume": "approver",
      "POST /architect/plan/{thread_id}/rollback": "approver",
      "GET /architect/plan/{thread_id}": "viewer",
      "GET /architect/plan/{thread_id}/history": "viewer",
      "GET /architect/plan/{thread_id}/events": "viewer",
      "GET /architect/plan/{thread_id}/artifacts": "viewer",
      "GET /architect/plan/{thread_id}/artifacts/{*}": "viewer",
      "GET /architect/plan/{thread_id}/stream": "viewer",
      "POST /admin/keys": "admin",
      "GET /admin/keys": "admin",
      "DELETE /admin/keys/{ref}": "admin",
      "GET /admin/budget": "admin",
      "PUT /admin/budget": "admin",
      "GET /audit": "admin",
      "POST /slack/commands": "public",
      "GET /openapi.json": "public",
      "GET /docs": "public",
      "GET /metrics": "public",
    };
    for (const [key, role] of Object.entries(roles)) {
      const [method, path] = key.split(" ") as [string, string];
      expect(spec.paths[path]?.[method.toLowerCase()]?.["x-atlas-role"], key).toBe(role);
    }
  });

  it("GET /docs renders the description with Swagger UI from this server, under a CSP that allows only its own scripts", async () => {
    const res = await t.app.inject({ method: "GET", url: "/docs" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    const directive = (name: string) =>
      csp
        .split(";")
        .map((part) => part.trim())
        .find((part) => part.startsWith(`${name} `));
    expect(directive("script-src")).toBe("script-src 'self'");
    expect(directive("style-src")).toBe("style-src 'self'");
    expect(directive("connect-src")).toBe("connect-src 'self'");
    // nothing from elsewhere, no inline script
    expect(res.body).not.toMatch(/(href|src)="https?:/);
    expect(res.body).not.toMatch(/<script(?![^>]*\ssrc=)/i);
    const assets = [...res.body.matchAll(/<(?:script|link)[^>]*\s(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(assets.filter((url) => url.endsWith(".js")).length).toBeGreaterThanOrEqual(3);
    for (const url of assets) {
      expect(url.startsWith("/docs/static/"), url).toBe(true);
      const asset = await t.app.inject({ method: "GET", url });
      expect(asset.statusCode, url).toBe(200);
      expect(asset.headers["content-security-policy"], url).toBe(csp);
      if (url.endsWith(".js")) expect(asset.headers["content-type"], url).toMatch(/javascript/);
    }
    // the page reads the same description as /openapi.json, from this server
    const initializer = await t.app.inject({ method: "GET", url: "/docs/static/swagger-initializer.js" });
    expect(initializer.body).toContain("resolveUrl('./json')");
    expect((await t.app.inject({ method: "GET", url: "/docs/json" })).json()).toEqual(spec);
    // every other answer keeps the JSON policy
    const json = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(json.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
