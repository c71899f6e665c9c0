import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { rawClient } from "../test/helpers/slow-clients.js";
import { repoRoot } from "../test/helpers/tmp.js";
import { errorResponseSchema } from "./responses.js";

// Found by the route fuzz (test/fuzz/): answers Fastify and Node's HTTP parser give before any
// route runs had their own shape (`{ error: "Bad Request", statusCode }`), without the security
// headers, and a thread id of 101 to 128 characters (valid) could be created but never read (414).

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("answers given before any route runs", () => {
  let db: Database;
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  /** The one error shape, with its code, and the JSON policy's headers. */
  const expectErrorShape = (res: { headers: Record<string, unknown>; json(): unknown }, code: string) => {
    const parsed = errorResponseSchema.parse(res.json());
    expect(parsed.error.code).toBe(code);
    expect(res.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    return parsed.error;
  };

  it("a thread id of 128 characters, the longest allowed, is planned and read back", async () => {
    const threadId = `t${"0123456789abcdef".repeat(8)}`.slice(0, 128);
    const run = await t.app.inject({ method: "POST", url: "/architect/plan", payload: { goal, thread_id: threadId }, headers: t.auth });
    expect(run.statusCode).toBe(200);
    for (const suffix of ["", "/history", "/events", "/artifacts"]) {
      const res = await t.app.inject({ method: "GET", url: `/architect/plan/${threadId}${suffix}`, headers: t.auth });
      expect(res.statusCode, suffix).toBe(200);
    }
  });

  it("a path parameter longer than any id is a 400 naming it; a far longer one is a 414 in the one error shape", async () => {
    const long = await t.app.inject({ method: "GET", url: `/architect/plan/${"a".repeat(129)}`, headers: t.auth });
    expect(long.statusCode).toBe(400);
    expect(expectErrorShape(long, "VALIDATION_FAILED").issues?.map((issue) => issue.path)).toEqual(["params.thread_id"]);
    const huge = await t.app.inject({ method: "GET", url: `/architect/plan/${"a".repeat(5000)}/history`, headers: t.auth });
    expect(huge.statusCode).toBe(414);
    expect(expectErrorShape(huge, "VALIDATION_FAILED").issues?.map((issue) => issue.path)).toEqual(["(url)"]);
  });

  it("a malformed percent-encoding in the path is a 400 naming the URL", async () => {
    for (const url of ["/architect/plan/%ZZ", "/architect/plan/%FF%FE/events", "/schemas/%"]) {
      const res = await t.app.inject({ method: "GET", url, headers: t.auth });
      expect(res.statusCode, url).toBe(400);
      expect(expectErrorShape(res, "VALIDATION_FAILED").issues?.map((issue) => issue.path)).toEqual(["(url)"]);
    }
  });

  it("a static file path the docs refuse (traversal) is a 403 FORBIDDEN, not a VALIDATION_FAILED", async () => {
    const res = await t.app.inject({ method: "GET", url: "/docs/static/%5C..%5C" });
    expect(res.statusCode).toBe(403);
    expect(errorResponseSchema.parse(res.json()).error.code).toBe("FORBIDDEN");
  });

  it("headers too large (431) and a malformed request (400) from Node's HTTP parser answer in the one error shape", async () => {
    const answers: string[] = [];
    for (const head of [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"]) {
      const client = await rawClient(port);
      client.socket.write(head);
      answers.push(await client.closed);
    }
    const [tooLarge, malformed] = answers as [string, string];
    expect(tooLarge).toMatch(/^HTTP\/1\.1 431 /);
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    for (const answer of answers) {
      expect(answer).toMatch(/\r\ncontent-security-policy: default-src 'none'; frame-ancestors 'none'\r\n/i);
      const body = errorResponseSchema.parse(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)));
      expect(body.error.code).toBe("VALIDATION_FAILED");
      expect(body.error.issues?.map((issue) => issue.path)).toEqual(["(request)"]);
    }
  });
});
