import { readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db/database.js";
import { adminKeyPath } from "../../tenants/bootstrap.js";
import { buildTestApp, type TestApp, type TestKey } from "../../test/helpers/app.js";
import { recordingIo } from "../../test/helpers/cli-io.js";
import { embeddedTestDatabase } from "../../test/helpers/databases.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../../test/helpers/tmp.js";
import { main as answer } from "./answer.js";
import { main as approve } from "./approve.js";
import { main as runs } from "./runs.js";

// Issue 13: a person lists runs and answers an approval from a terminal, against a running
// server. The CLIs' `main` run in this process against a test server listening on a port.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("pnpm runs and pnpm approve against a running server", () => {
  let db: Database;
  let t: TestApp;
  let url: string;
  let planner: TestKey;
  let approver: TestKey;

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
    url = await t.app.listen({ port: 0, host: "127.0.0.1" });
    // tenant "acme" refuses self-approval: one key plans, another approves
    planner = await t.createKey({ roles: ["planner"], tenant: "acme", name: "alice-planner" });
    approver = await t.createKey({ roles: ["approver"], tenant: "acme", name: "bob-approver" });
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  /** Runs a CLI's main with a key (or none) and collects what it printed. */
  async function cli(main: typeof runs, argv: string[], env: NodeJS.ProcessEnv) {
    const { io, printed } = recordingIo();
    const code = await main(argv, "test", io, env);
    return { code, ...printed };
  }
  const as = (key: TestKey | string) => ({ ATLAS_URL: url, ATLAS_API_KEY: typeof key === "string" ? key : key.key });
  const plan = async (thread_id: string) => {
    const res = await t.app.inject({ method: "POST", url: "/architect/plan", headers: planner.headers, payload: { goal, thread_id } });
    expect(res.json().status, res.body).toBe("WAIT_FOR_APPROVE");
  };
  const statusOf = async (thread_id: string) =>
    (await t.app.inject({ method: "GET", url: `/architect/plan/${thread_id}`, headers: planner.headers })).json().status as string;

  it("plan → runs shows it waiting → approve → DONE with a commit", async () => {
    await plan("cli-approve");
    const listed = await cli(runs, [], as(approver));
    expect(listed.code, listed.stderr).toBe(0);
    const [header, first] = listed.stdout.split("\n");
    expect(header).toMatch(/^THREAD\s+STATUS\s+PLAN\s+STARTED BY\s+UPDATED \(UTC\)\s+GOAL$/);
    expect(first).toMatch(new RegExp(`^cli-approve\\s+WAIT_FOR_APPROVE\\s+v1\\s+alice-planner\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+${goal.name}$`));

    const json = await cli(runs, ["--status", "WAIT_FOR_APPROVE", "--json"], as(approver));
    expect(JSON.parse(json.stdout).runs.map((run: { thread_id: string }) => run.thread_id)).toEqual(["cli-approve"]);

    const done = await cli(approve, ["cli-approve", "--approver", "bob"], as(approver));
    expect(done.code, done.stderr).toBe(0);
    const commit = done.stdout.match(/applied as commit ([0-9a-f]{7,40}) in (\S+)/);
    expect(done.stdout).toMatch(/^thread cli-approve {2}status DONE {2}plan v1\n/);
    expect(commit?.[2]).toBe("plans/acme/plan-cli-approve");
    expect(await statusOf("cli-approve")).toBe("DONE");
    // the commit the CLI printed is the one the server recorded
    const view = (await t.app.inject({ method: "GET", url: "/architect/plan/cli-approve", headers: planner.headers })).json();
    // the key decides: --approver is kept as the decision's note
    expect(view.applied).toMatchObject({ commit: commit?.[1], approver: "bob-approver" });
    expect(view.decision).toMatchObject({ approver: "bob-approver", approver_key_id: approver.id, approver_note: "bob" });
    expect((await cli(runs, ["--status", "DONE"], as(approver))).stdout).toMatch(/^cli-approve\s+DONE\s+v1\s/m);
  });

  it("rejects, and revises with a comment", async () => {
    await plan("cli-reject");
    const rejected = await cli(approve, ["cli-reject", "--reject", "--json"], as(approver));
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ thread_id: "cli-reject", status: "REJECTED", applied: null });
    expect(await statusOf("cli-reject")).toBe("REJECTED");
    // without --approver, the decision is recorded under the key's name
    const rejectedView = (await t.app.inject({ method: "GET", url: "/architect/plan/cli-reject", headers: planner.headers })).json();
    expect(rejectedView.decision).toMatchObject({ decision: "reject", approver: "bob-approver" });

    await plan("cli-revise");
    const revised = await cli(approve, ["cli-revise", "--revise", "use two availability zones"], as(approver));
    expect(revised.code, revised.stderr).toBe(0);
    const view = (await t.app.inject({ method: "GET", url: "/architect/plan/cli-revise", headers: planner.headers })).json();
    expect(revised.stdout).toContain(`thread cli-revise  status ${view.status}`);
    expect(view.decision).toMatchObject({ decision: "revise", comment: "use two availability zones" });
  });

  it("prints the server's refusal with its HTTP status and exits 1", async () => {
    const wrongKey = await cli(runs, [], as("atlas_not-a-real-key"));
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/^error: HTTP 401 UNAUTHENTICATED: \S/);

    // a planner may not approve
    await plan("cli-refused");
    const planner403 = await cli(approve, ["cli-refused"], as(planner));
    expect(planner403.code).toBe(1);
    expect(planner403.stderr).toMatch(/^error: HTTP 403 FORBIDDEN: .*needs the approver role; key "alice-planner"/);
    expect(await statusOf("cli-refused")).toBe("WAIT_FOR_APPROVE");

    const missing = await cli(approve, ["no-such-thread"], as(approver));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: HTTP 404 NOT_FOUND: .*no-such-thread/);

    const badStatus = await cli(runs, ["--status", "WAITING"], as(approver));
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toMatch(/^error: HTTP 400 /);
    expect(badStatus.stderr).toContain("query.status: ");
  });

  it("pnpm answer: answers a described plan's questions (an answer and the defaults for the rest), on to approval", async () => {
    const prompt = "A small internal reporting service for the finance team in eu-west-1, around 20 requests per second";
    const started = await t.app.inject({ method: "POST", url: "/architect/plan", headers: planner.headers, payload: { prompt, thread_id: "cli-answer" } });
    expect(started.json().status, started.body).toBe("WAIT_FOR_ANSWER");

    const wrong = await cli(answer, ["cli-answer", "--answer", "budget.monthly_usd=-5"], as(planner));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: HTTP 400 /);
    expect(wrong.stderr).toContain("answers.budget.monthly_usd: ");
    expect(await statusOf("cli-answer")).toBe("WAIT_FOR_ANSWER");

    const answered = await cli(answer, ["cli-answer", "--answer", "budget.monthly_usd=1500", "--accept-defaults"], as(planner));
    expect(answered.code, answered.stderr).toBe(0);
    expect(answered.stdout).toMatch(/^thread cli-answer {2}status WAIT_FOR_APPROVE {2}plan v1\nreview it, then: pnpm approve cli-answer\n$/);
    const view = (await t.app.inject({ method: "GET", url: "/architect/plan/cli-answer", headers: planner.headers })).json();
    expect(view.plan.cost.budget_usd).toBe(1500);
    // who answered is the key
    expect(view.reading.answers).toMatchObject({ "budget.monthly_usd": 1500, by: "alice-planner" });

    // nothing to answer, or not PATH=VALUE: usage errors, the server not asked
    expect((await cli(answer, ["cli-answer"], as(planner))).code).toBe(2);
    const notPair = await cli(answer, ["cli-answer", "--answer", "budget"], as(planner));
    expect(notPair.code).toBe(2);
    expect(notPair.stderr).toContain("is not PATH=VALUE");
  });

  it("exits 2 on usage errors without asking the server", async () => {
    const unknown = await cli(runs, ["--state", "DONE"], as(approver));
    expect(unknown).toMatchObject({ code: 2, stdout: "" });
    expect(unknown.stderr).toContain("unknown option --state");
    expect((await cli(approve, ["cli-refused", "--force"], as(approver))).code).toBe(2);
    const both = await cli(approve, ["cli-refused", "--reject", "--revise", "smaller"], as(approver));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--reject and --revise exclude each other");
    expect((await cli(approve, [], as(approver))).code).toBe(2);
    expect((await cli(runs, ["--limit", "0"], as(approver))).code).toBe(2);
    // nothing was decided
    expect(await statusOf("cli-refused")).toBe("WAIT_FOR_APPROVE");
  });

  it("finds the server from PORT and the key in the data dir's admin.key when ATLAS_URL and ATLAS_API_KEY are unset", async () => {
    const dataDir = makeTmpDir("atlas-cli-key-");
    try {
      const port = new URL(url).port;
      const env = { ATLAS_DATA_DIR: dataDir, PORT: port };
      const none = await cli(runs, [], env);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain(adminKeyPath(dataDir));
      writeFileSync(adminKeyPath(dataDir), `${approver.key}\n`);
      const listed = await cli(runs, ["--status", "REJECTED"], env);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/^cli-reject\s+REJECTED\s/m);
    } finally {
      removeTmpDir(dataDir);
    }
  });

  it("reports a server it cannot reach and exits 1", async () => {
    // a port that was just free: nothing listens on it
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await cli(runs, [], { ATLAS_URL: `http://127.0.0.1:${port}`, ATLAS_API_KEY: approver.key });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(`error: cannot reach Atlas at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });
});
