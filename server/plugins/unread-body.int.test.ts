import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db/database.js";
import { wireClient } from "../../test/fuzz/http.js";
import { buildTestApp, type TestApp } from "../../test/helpers/app.js";
import { embeddedTestDatabase } from "../../test/helpers/databases.js";

// Over a real socket: the reset this guards against happens in the kernel, which app.inject skips.
let db: Database;
let t: TestApp;
let client: ReturnType<typeof wireClient>;

beforeAll(async () => {
  db = await embeddedTestDatabase();
  t = await buildTestApp(db, {});
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  client = wireClient((t.app.server.address() as AddressInfo).port);
});
afterAll(async () => {
  client?.close();
  await t?.close();
  await db?.close();
});

describe("a body sent with GET", () => {
  const limit = () => t.deps.config.BODY_LIMIT_BYTES;
  const get = (path: string, size: number) =>
    client.send({ method: "GET", path, headers: { authorization: `Bearer ${t.admin.key}` }, body: Buffer.alloc(size, 32) });

  it("is dropped, and the whole answer arrives (a large one too)", async () => {
    const plain = await client.send({ method: "GET", path: "/openapi.json", headers: {} });
    const answer = await get("/openapi.json", limit() - 10);
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBeGreaterThan(100_000);
    expect(answer.body).toBe(plain.body);
  });

  it("over the body limit is a 413 naming the body, not a reset connection", async () => {
    const answer = await get("/openapi.json", limit() + 3);
    expect(answer.status).toBe(413);
    const body = JSON.parse(answer.body) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(body.error.issues[0]?.path).toBe("(body)");
  });
});
