import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { registerErrorHandler } from "./error-handler.js";
import { registerSchemaCompilers } from "./schema-compilers.js";

async function app() {
  const server = Fastify();
  registerSchemaCompilers(server);
  registerErrorHandler(server);
  server.post(
    "/things/:id",
    {
      schema: {
        params: z.object({ id: z.string().regex(/^[a-z]+$/) }).strict(),
        querystring: z.object({ limit: z.coerce.number().int().max(10).default(5) }).strict(),
        body: z.object({ name: z.string().trim().min(1), tags: z.array(z.string()).optional() }).strict(),
        response: { 200: z.object({ name: z.string() }) },
      },
    },
    async (request) => ({ params: request.params, query: request.query, body: request.body, extra: "kept" }),
  );
  await server.ready();
  return server;
}

describe("schema compilers", () => {
  it("hand routes the parsed values, and write answers untouched by the response schema", async () => {
    const server = await app();
    const res = await server.inject({ method: "POST", url: "/things/abc", payload: { name: "  disk  " } });
    expect(res.statusCode).toBe(200);
    // the response schema has only `name`: nothing is stripped, the bytes are JSON.stringify's
    expect(res.body).toBe(JSON.stringify({ params: { id: "abc" }, query: { limit: 5 }, body: { name: "disk" }, extra: "kept" }));
    await server.close();
  });

  it.each([
    ["/things/ABC", { name: "x" }, ["params.id"]],
    ["/things/abc?limit=50", { name: "x" }, ["query.limit"]],
    ["/things/abc?other=1", { name: "x" }, ["query.other"]],
    ["/things/abc", { name: "" }, ["name"]],
    ["/things/abc", { name: "x", tags: [1], a: 1, b: 2 }, ["tags[0]", "a", "b"]],
  ])("%s %j answers 400 VALIDATION_FAILED naming %j", async (url, payload, paths) => {
    const server = await app();
    const res = await server.inject({ method: "POST", url, payload });
    expect(res.statusCode).toBe(400);
    const error = res.json().error as { code: string; message: string; issues: { path: string; message: string }[] };
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([...paths].sort());
    expect(error.message).toMatch(/^Invalid request: /);
    for (const issue of error.issues) expect(error.message).toContain(`${issue.path}: ${issue.message}`);
    if (paths.includes("a")) expect(error.issues.find((issue) => issue.path === "a")?.message).toBe("Unrecognized field");
    await server.close();
  });
});
