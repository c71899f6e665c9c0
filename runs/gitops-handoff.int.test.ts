import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { runViewSchema } from "../server/responses.js";
import { type ReviewApiStub, startReviewApiStub } from "../test/fixtures/review-api-stub.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";

// Issue 14, "Apply hands off for real", through the API: an approved plan is pushed to a GitOps
// remote (a bare repository in a temporary folder) and a pull request is opened on a LOCAL HTTP
// STUB of the GitHub API (test/fixtures/review-api-stub.ts). A remote that is not there fails the
// apply step, which stays retryable; a rollback pushes its revert and shows in /metrics.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
const TOKEN = "stub-token-handoff";

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@localhost", "-c", "commit.gpgsign=false", ...args], {
    cwd: dir,
    encoding: "utf8",
  }).trim();

describe("apply and rollback hand off to a GitOps remote", () => {
  let db: Database;
  let t: TestApp;
  let stub: ReviewApiStub;
  let dir: string;
  let remote: string;

  beforeAll(async () => {
    dir = makeTmpDir("atlas-handoff-");
    remote = join(dir, "infra.git"); // made by the test once the first apply has failed
    stub = await startReviewApiStub(TOKEN);
    db = await embeddedTestDatabase();
    t = await buildTestApp(db, {
      env: {
        ATLAS_GITOPS_DIR: join(dir, "workspace"),
        GITOPS_REMOTE_URL: remote,
        GITOPS_PROVIDER: "github",
        GITOPS_TOKEN: TOKEN,
        GITOPS_REPOSITORY: "acme/infra-live",
        GITOPS_API_URL: stub.githubUrl,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
    await stub?.close();
    removeTmpDir(dir);
  });

  const post = (url: string, payload: unknown) => t.app.inject({ method: "POST", url, payload: payload as object, headers: t.auth });

  it("a missing remote keeps the approval; the retry pushes, opens one pull request, and the rollback pushes its revert", async () => {
    const run = (await post("/architect/plan", { goal })).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");

    const failed = await post(`/architect/plan/${run.thread_id}/resume`, { decision: "approve", approver: "alice" });
    expect(failed.statusCode).toBe(503);
    expect(failed.json().error).toMatchObject({ code: "UNAVAILABLE", status: "APPLYING", retryable: true });
    expect(failed.json().error.message).toContain("GitOps remote: fetching base branch main from the remote failed");
    expect(failed.json().error.message).not.toContain(TOKEN);

    // the operator creates the repository; approving again applies
    git(dir, "init", "-q", "--bare", "-b", "main", remote);
    const seed = makeTmpDir("atlas-handoff-seed-");
    git(seed, "init", "-q", "-b", "main");
    git(seed, "commit", "-q", "--allow-empty", "-m", "initial");
    git(seed, "push", "-q", remote, "main");
    removeTmpDir(seed);
    const main = git(remote, "rev-parse", "refs/heads/main");

    const retried = await post(`/architect/plan/${run.thread_id}/resume`, { decision: "approve", approver: "alice" });
    expect(retried.statusCode).toBe(200);
    const done = runViewSchema.parse(retried.json());
    expect(done.status).toBe("DONE");
    const branch = `atlas/default/${done.plan_id}/v${done.plan?.version}`;
    expect(done.applied?.pushed?.remote_branch).toBe(branch);
    expect(git(remote, "rev-parse", `refs/heads/${branch}`)).toBe(done.applied?.pushed?.commit);
    expect(git(remote, "rev-parse", `${branch}^`)).toBe(main);
    expect(git(remote, "ls-tree", "-r", "--name-only", branch).split("\n").length).toBeGreaterThan(0);

    expect(stub.reviews).toHaveLength(1);
    const pr = stub.reviews[0];
    expect(done.applied?.review).toEqual({ url: pr?.url, number: pr?.number });
    expect(pr).toMatchObject({ branch, base: "main" });
    expect(pr?.body).toContain(done.plan?.summary ?? "no summary");
    expect(pr?.body).toContain(`Approved by: ${done.applied?.approver}`);
    expect(pr?.body).toContain("## Findings by severity");
    expect(pr?.body).toContain("Monthly cost: $");

    // the apply.done event carries the hand-off too
    const events = (await db.pool.query("select payload from atlas_events where thread_id = $1 and type = 'apply.done' order by id", [run.thread_id])).rows as {
      payload: { data: Record<string, unknown> };
    }[];
    expect(events.at(-1)?.payload.data).toMatchObject({ pushed: done.applied?.pushed, review: done.applied?.review });

    const rolledBack = await post(`/architect/plan/${run.thread_id}/rollback`, { by: "bob", reason: "error rate up" });
    expect(rolledBack.statusCode).toBe(200);
    expect(rolledBack.json().status).toBe("ROLLED_BACK");
    const revertBranch = `${branch}-rollback`;
    expect(git(remote, "log", "-1", "--format=%B", revertBranch)).toContain(`Reverts: ${done.applied?.commit}`);
    expect(stub.reviews).toHaveLength(2);
    expect(stub.reviews[1]?.branch).toBe(revertBranch);

    const metrics = await t.app.inject({ method: "GET", url: "/metrics", headers: t.auth });
    expect(metrics.body).toContain('atlas_rollback_seconds_count{stage="begin"} 1');
    expect(metrics.body).toContain('atlas_rollback_seconds_count{stage="end"} 1');
    expect(metrics.body).toContain('atlas_rollback_seconds_bucket{le="300",stage="begin"}');
    expect(metrics.body).toContain('atlas_rollback_seconds_bucket{le="900",stage="end"}');
    expect(metrics.body).toMatch(/atlas_rollback_sla_misses_total\{stage="begin"\} \d/);
  });
});
