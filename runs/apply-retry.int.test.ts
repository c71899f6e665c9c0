import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";

// Issue 8, defect 2: a fault in the GitOps workspace after the approval (it cannot be written)
// must not use the approval up or turn the plan FAILED: the run waits APPLYING, and approving
// again applies it once the workspace is back. The same for a rollback that cannot be written.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("an approval survives a workspace that cannot be written", () => {
  let db: Database;
  let t: TestApp;
  let dir: string;
  let gitopsDir: string;

  beforeAll(async () => {
    dir = makeTmpDir("atlas-apply-retry-");
    gitopsDir = join(dir, "gitops");
    db = await embeddedTestDatabase();
    t = await buildTestApp(db, { env: { ATLAS_GITOPS_DIR: gitopsDir } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
    removeTmpDir(dir);
  });

  const post = (url: string, payload: unknown) => t.app.inject({ method: "POST", url, payload: payload as object, headers: t.auth });
  const get = async (threadId: string) => (await t.app.inject({ method: "GET", url: `/architect/plan/${threadId}`, headers: t.auth })).json();

  it("apply: 503 and APPLYING while the workspace is broken; approving again applies once it is back", async () => {
    const run = (await post("/architect/plan", { goal })).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    writeFileSync(gitopsDir, "not a folder"); // the workspace cannot be created

    const failed = await post(`/architect/plan/${run.thread_id}/resume`, { decision: "approve", approver: "alice" });
    expect(failed.statusCode).toBe(503);
    expect(failed.json().error).toMatchObject({ code: "UNAVAILABLE", status: "APPLYING", retryable: true });
    expect((await get(run.thread_id)).status).toBe("APPLYING");
    // the approval stands: it can be retried, not rejected
    const reject = await post(`/architect/plan/${run.thread_id}/resume`, { decision: "reject", approver: "bob" });
    expect(reject.statusCode).toBe(409);

    rmSync(gitopsDir);
    const retried = await post(`/architect/plan/${run.thread_id}/resume`, { decision: "approve", approver: "alice" });
    expect(retried.statusCode).toBe(200);
    const done = retried.json();
    expect(done.status).toBe("DONE");
    expect(done.applied.commit).toMatch(/^[0-9a-f]{40}$/);
    const log = await t.deps.gitops.log(10);
    expect(log.filter((commit) => commit.message.includes(`Atlas-Thread: ${run.thread_id}`))).toHaveLength(1);
  });

  it("rollback: 503 and still DONE while the workspace is broken; the rollback succeeds once it is back", async () => {
    const run = (await post("/architect/plan", { goal })).json();
    expect((await post(`/architect/plan/${run.thread_id}/resume`, { decision: "approve", approver: "alice" })).json().status).toBe("DONE");
    const aside = `${gitopsDir}.aside`;
    renameSync(gitopsDir, aside);
    writeFileSync(gitopsDir, "not a folder");

    const failed = await post(`/architect/plan/${run.thread_id}/rollback`, { by: "bob", reason: "bad change" });
    expect(failed.statusCode).toBe(503);
    expect(failed.json().error).toMatchObject({ code: "UNAVAILABLE", status: "DONE", retryable: true });
    expect((await get(run.thread_id)).status).toBe("DONE");

    rmSync(gitopsDir);
    renameSync(aside, gitopsDir);
    mkdirSync(gitopsDir, { recursive: true });
    const rolledBack = await post(`/architect/plan/${run.thread_id}/rollback`, { by: "bob", reason: "bad change" });
    expect(rolledBack.statusCode).toBe(200);
    expect(rolledBack.json().status).toBe("ROLLED_BACK");
  });
});
