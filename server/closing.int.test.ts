import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { waitFor } from "../test/helpers/redis.js";
import { type RawClient, trickleBody } from "../test/helpers/slow-clients.js";
import { repoRoot } from "../test/helpers/tmp.js";

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("a closing server (in-process queue, one worker)", () => {
  let db: Database;
  let t: TestApp;
  let upload: RawClient | undefined;

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db, { env: { RUN_WORKERS: "1" } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    upload?.stop();
    await t?.close();
    await db?.close();
  });

  it("takes no new background job while it drains the requests in flight", async () => {
    const port = (t.app.server.address() as AddressInfo).port;
    const arrived = new Promise((resolve) => t.app.server.once("request", resolve));
    upload = await trickleBody(port, "/rag/search", t.auth);
    await arrived;
    const closed = t.app.close();
    // the listener closes after the preClose hooks ran; the upload holds the close open
    await waitFor(() => !t.app.server.listening, 10_000, "the server to stop listening");
    await t.deps.queue.enqueue({
      kind: "start",
      thread_id: `closing-${randomUUID()}`,
      tenant: "default",
      trace_id: randomUUID(),
      goal,
      created_by: null,
      submitted_at: new Date().toISOString(),
      attempt: 0,
    });
    upload.stop();
    await closed;
    // still queued: a worker on another replica (or the next start) runs it
    expect(await t.deps.queue.stats()).toEqual({ depth: 1, pending: 0 });
  }, 60_000);
});
