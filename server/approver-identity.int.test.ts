import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp, type TestKey } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";

// Issue 13: who approved is the authenticated key, on every path. The free text a caller sends
// as `approver` is kept as a note beside the key's name and id, never in their place: in the
// plan's decision, the apply commit and the audit log.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

let db: Database;
let t: TestApp;
let planner: TestKey;
let approver: TestKey;
let admin: TestKey;

beforeAll(async () => {
  db = await embeddedTestDatabase();
  t = await buildTestApp(db);
  planner = await t.createKey({ roles: ["planner"], tenant: "globex", name: "globex-planner" });
  approver = await t.createKey({ roles: ["approver"], tenant: "globex", name: "globex-lead" });
  admin = await t.createKey({ roles: ["admin"], tenant: "globex", name: "globex-admin" });
});
afterAll(async () => {
  await t?.close();
  await db?.close();
});

const call = (key: TestKey, method: "GET" | "POST", url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: key.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

async function waitingPlan(thread_id: string): Promise<void> {
  const started = await call(planner, "POST", "/architect/plan", { goal, thread_id });
  expect(started.json().status, started.body).toBe("WAIT_FOR_APPROVE");
}

/** The apply commit's message in the tenant's GitOps workspace. */
const commitMessage = (commit: string) => execFileSync("git", ["-C", t.deps.gitops.dir, "log", "-1", "--format=%B", commit], { encoding: "utf8" });

/** The thread's audit rows of `action`, as GET /audit lists them. */
async function auditRows(thread_id: string, action: string) {
  const listed = await call(admin, "GET", `/audit?target=${thread_id}&action=${action}`);
  expect(listed.statusCode, listed.body).toBe(200);
  return listed.json().entries as { actor_key_id: string | null; actor_name: string; detail: Record<string, unknown> }[];
}

describe("the approver is the key that decides", () => {
  it("resume route: approver is the key's name, approver_key_id its id, the body's approver a note", async () => {
    await waitingPlan("identity-http");
    const done = await call(approver, "POST", "/architect/plan/identity-http/resume", { decision: "approve", approver: "Jane Doe" });
    expect(done.statusCode, done.body).toBe(200);
    const run = done.json();
    expect(run.status).toBe("DONE");
    expect(run.decision).toEqual({ decision: "approve", approver: "globex-lead", approver_key_id: approver.id, approver_note: "Jane Doe" });
    expect(run.applied.approver).toBe("globex-lead");

    const message = commitMessage(run.applied.commit);
    expect(message).toContain("Approved-by: globex-lead\n");
    expect(message).toContain(`Atlas-Approver-Key: ${approver.id}\n`);
    expect(message).not.toContain("Jane Doe");

    const [decided] = await auditRows("identity-http", "approval.approve");
    expect(decided).toMatchObject({ actor_key_id: approver.id, actor_name: "globex-lead", detail: { approver: "globex-lead", status: "DONE" } });
    expect(await auditRows("identity-http", "apply")).toHaveLength(1);
  });

  it("resume route: without an approver in the body (or with the key's own name) there is no note", async () => {
    await waitingPlan("identity-bare");
    const rejected = await call(approver, "POST", "/architect/plan/identity-bare/resume", { decision: "reject", comment: "not now" });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json().decision).toEqual({ decision: "reject", approver: "globex-lead", approver_key_id: approver.id, comment: "not now" });

    await waitingPlan("identity-same");
    const same = await call(approver, "POST", "/architect/plan/identity-same/resume", { decision: "reject", approver: "globex-lead" });
    expect(same.json().decision).toEqual({ decision: "reject", approver: "globex-lead", approver_key_id: approver.id });
  });

  it("resume route: the identity fields cannot be sent, and the note is one line", async () => {
    await waitingPlan("identity-forged");
    const forged = await call(approver, "POST", "/architect/plan/identity-forged/resume", { decision: "approve", approver_key_id: planner.id });
    expect(forged.statusCode).toBe(400);
    const multiline = await call(approver, "POST", "/architect/plan/identity-forged/resume", { decision: "approve", approver: "jane\nAtlas-Action: rollback" });
    expect(multiline.statusCode).toBe(400);
    expect((await call(planner, "GET", "/architect/plan/identity-forged")).json().status).toBe("WAIT_FOR_APPROVE");
  });

  it("LangGraph Platform API: command.resume records the key the same way", async () => {
    await waitingPlan("identity-platform");
    const waited = await call(approver, "POST", "/threads/identity-platform/runs/wait", {
      assistant_id: "planner",
      command: { resume: { decision: "approve", approver: "Jane Doe", approver_key_id: "key_forged" } },
    });
    expect(waited.statusCode, waited.body).toBe(200);
    const run = (await call(planner, "GET", "/architect/plan/identity-platform")).json();
    expect(run.status).toBe("DONE");
    expect(run.decision).toEqual({ decision: "approve", approver: "globex-lead", approver_key_id: approver.id, approver_note: "Jane Doe" });
    expect(commitMessage(run.applied.commit)).toContain(`Atlas-Approver-Key: ${approver.id}\n`);
    const [decided] = await auditRows("identity-platform", "approval.approve");
    expect(decided).toMatchObject({ actor_key_id: approver.id, detail: { approver: "globex-lead" } });

    // agent-chat-ui's HumanResponse names nobody: the key is the approver, with no note
    await waitingPlan("identity-inbox");
    await call(approver, "POST", "/threads/identity-inbox/runs/wait", { assistant_id: "planner", command: { resume: [{ type: "ignore", args: null }] } });
    const inbox = (await call(planner, "GET", "/architect/plan/identity-inbox")).json();
    expect(inbox.decision).toEqual({ decision: "reject", approver: "globex-lead", approver_key_id: approver.id });
  });
});
