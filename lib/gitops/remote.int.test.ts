import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ReviewApiStub, startReviewApiStub } from "../../test/fixtures/review-api-stub.js";
import { makeTmpDir, removeTmpDir } from "../../test/helpers/tmp.js";
import { type ApplyRequest, type GitopsRemoteSettings, type GitopsWorkspaceOptions, makeGitopsWorkspace, type ReviewNotes } from "../gitops.js";
import { makeMetrics } from "../metrics/index.js";

// The GitOps hand-off on real git: a bare repository in a temporary folder is the remote, and
// a LOCAL HTTP STUB (test/fixtures/review-api-stub.ts) stands in for the GitHub and GitLab APIs.

const TOKEN = "stub-token-0123456789";
const dirs: string[] = [];
let stub: ReviewApiStub;
beforeAll(async () => {
  stub = await startReviewApiStub(TOKEN);
});
afterAll(async () => {
  await stub?.close();
});
afterEach(() => {
  for (const dir of dirs.splice(0)) removeTmpDir(dir);
  stub.reviews.splice(0);
  stub.requests.splice(0);
  stub.failures.splice(0);
  stub.hideFromList = 0;
});

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@localhost", "-c", "commit.gpgsign=false", ...args], {
    cwd: dir,
    encoding: "utf8",
  }).trim();

const tmp = (prefix: string) => {
  const dir = makeTmpDir(prefix);
  dirs.push(dir);
  return dir;
};

/** A bare repository at `path` whose main holds a README, as a team's GitOps repository would. Returns main's commit. */
function makeRemoteRepo(path: string): string {
  git(join(path, ".."), "init", "-q", "--bare", "-b", "main", path);
  const seed = tmp("atlas-seed-");
  git(seed, "init", "-q", "-b", "main");
  git(seed, "commit", "-q", "--allow-empty", "-m", "initial");
  execFileSync("sh", ["-c", "printf 'team repo\\n' > README.md"], { cwd: seed });
  git(seed, "add", "README.md");
  git(seed, "commit", "-q", "-m", "readme");
  git(seed, "push", "-q", path, "main");
  return git(path, "rev-parse", "refs/heads/main");
}

/** Adds a commit to the remote's main, as another team member would. Returns the new tip. */
function moveRemoteMain(path: string): string {
  const clone = tmp("atlas-clone-");
  git(clone, "clone", "-q", path, ".");
  execFileSync("sh", ["-c", "printf 'moved on\\n' > OTHER.md"], { cwd: clone });
  git(clone, "add", "OTHER.md");
  git(clone, "commit", "-q", "-m", "someone else's change");
  git(clone, "push", "-q", "origin", "main");
  return git(path, "rev-parse", "refs/heads/main");
}

/** The error a promise rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; cause?: unknown }> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error as Error & { code?: string; cause?: unknown },
  );
  if (!outcome) throw new Error("expected a rejection");
  return outcome;
}

const settings = (url: string, review: GitopsRemoteSettings["review"] = null): GitopsRemoteSettings => ({
  url,
  baseBranch: "main",
  branchPrefix: "atlas/",
  review,
});
const github = (): GitopsRemoteSettings["review"] => ({ provider: "github", token: TOKEN, apiUrl: stub.githubUrl, repository: "acme/infra-live" });
const gitlab = (): GitopsRemoteSettings["review"] => ({ provider: "gitlab", token: TOKEN, apiUrl: stub.gitlabUrl, repository: "infra/live" });

function workspace(options: GitopsWorkspaceOptions) {
  const dir = tmp("atlas-gitops-remote-");
  return { dir, gitops: makeGitopsWorkspace(dir, options) };
}

const notes: ReviewNotes = {
  goalName: "orders API",
  summary: "Orders API on ECS Fargate behind an ALB, with Postgres on RDS.",
  cost: { monthlyUsd: 412.5, budgetUsd: 600, status: "OK", unpriced: 1, source: "validator" },
  findings: [
    { severity: "low", ruleId: "AWS-TAG-001", resource: "aws_s3_bucket.logs", message: "missing owner tag", unverified: false },
    { severity: "high", ruleId: "AWS-RDS-004", resource: "aws_db_instance.main", message: "backups kept 1 day", unverified: false },
    { severity: "medium", ruleId: "AWS-ALB-002", resource: "aws_lb.api", message: "deletion protection unknown", unverified: true },
  ],
};

const request = (overrides: Partial<ApplyRequest> = {}): ApplyRequest => ({
  tenant: "acme",
  threadId: "orders-1",
  planId: "plan-orders-1",
  planVersion: 1,
  traceId: "0123456789abcdef0123456789abcdef",
  approver: "alice",
  files: [{ path: "terraform/main.tf", content: "# orders v1\n" }],
  notes,
  ...overrides,
});

describe("GitOps hand-off to a remote", () => {
  it("pushes each plan version to its own branch on the remote's base branch, following a remote that moved", async () => {
    const remote = join(tmp("atlas-remote-"), "infra.git");
    const firstMain = makeRemoteRepo(remote);
    const { dir, gitops } = workspace({ remote: settings(remote) });

    const v1 = await gitops.apply(request());
    const branch1 = "atlas/acme/plan-orders-1/v1";
    expect(v1.pushed?.remote_branch).toBe(branch1);
    expect(v1.review).toBeNull();
    expect(git(remote, "rev-parse", `refs/heads/${branch1}`)).toBe(v1.pushed?.commit);
    expect(git(remote, "rev-parse", `${branch1}^`)).toBe(firstMain);
    expect(git(remote, "show", `${branch1}:plans/acme/plan-orders-1/terraform/main.tf`)).toBe("# orders v1");
    expect(git(remote, "show", `${branch1}:README.md`)).toBe("team repo");
    const message = git(remote, "log", "-1", "--format=%B", branch1);
    expect(message).toContain("Approved-by: alice");
    expect(message).toContain("Atlas-Plan-Version: 1");

    const movedMain = moveRemoteMain(remote);
    const v2 = await gitops.apply(request({ planVersion: 2, files: [{ path: "terraform/main.tf", content: "# orders v2\n" }] }));
    const branch2 = "atlas/acme/plan-orders-1/v2";
    expect(v2.pushed?.remote_branch).toBe(branch2);
    expect(git(remote, "rev-parse", `${branch2}^`)).toBe(movedMain);
    expect(git(remote, "show", `${branch2}:plans/acme/plan-orders-1/terraform/main.tf`)).toBe("# orders v2");
    expect(git(remote, "show", `${branch2}:OTHER.md`)).toBe("moved on");
    // the remote's main is Atlas's to read, never to write
    expect(git(remote, "rev-parse", "refs/heads/main")).toBe(movedMain);

    // the workspace keeps its own history, clean
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(git(dir, "rev-parse", "HEAD")).toBe(v2.commit);
    expect(git(dir, "rev-parse", "HEAD^")).toBe(v1.commit);

    // a re-run finds the pushed branch and pushes nothing new
    const again = await gitops.apply(request({ planVersion: 2, files: [{ path: "terraform/main.tf", content: "# orders v2\n" }] }));
    expect(again).toMatchObject({ alreadyApplied: true, commit: v2.commit, pushed: v2.pushed });
    expect(git(remote, "rev-parse", `refs/heads/${branch2}`)).toBe(v2.pushed?.commit);
  });

  it("opens exactly one GitHub pull request, with summary, cost, findings and approver, though apply runs twice", async () => {
    const remote = join(tmp("atlas-remote-"), "infra.git");
    makeRemoteRepo(remote);
    const { gitops } = workspace({ remote: settings(remote, github()) });

    const first = await gitops.apply(request());
    const second = await gitops.apply(request());
    expect(stub.reviews).toHaveLength(1);
    expect(stub.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    const pr = stub.reviews[0];
    expect(first.review).toEqual({ url: pr?.url, number: pr?.number });
    expect(second.review).toEqual(first.review);
    expect(second.alreadyApplied).toBe(true);

    expect(pr).toMatchObject({ repository: "acme/infra-live", branch: "atlas/acme/plan-orders-1/v1", base: "main" });
    expect(pr?.title).toContain("plan-orders-1 v1");
    expect(pr?.body).toContain(notes.summary);
    expect(pr?.body).toContain("$412.50 vs budget $600.00 (69 % of it, OK)");
    expect(pr?.body).toContain("1 resource(s) unpriced, not counted");
    expect(pr?.body).toContain("critical: 0, high: 1, medium: 1, low: 1, info: 0");
    expect(pr?.body).toContain("`AWS-ALB-002` on `aws_lb.api`: deletion protection unknown (cannot verify)");
    expect(pr?.body).toContain("Approved by: alice");
    expect(pr?.body).toContain(`Commit: ${first.pushed?.commit}`);
    // the worst finding is listed first
    expect(pr?.body.indexOf("AWS-RDS-004")).toBeLessThan(pr?.body.indexOf("AWS-TAG-001") ?? 0);
    for (const sent of stub.requests) {
      expect(sent.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(sent.headers.accept).toBe("application/vnd.github+json");
    }
    // GitHub lists pull requests by head as owner:branch
    expect(stub.requests[0]?.query.get("head")).toBe("acme:atlas/acme/plan-orders-1/v1");
  });

  it("a GitHub 422 for a pull request opened meanwhile reuses it", async () => {
    const remote = join(tmp("atlas-remote-"), "infra.git");
    makeRemoteRepo(remote);
    const { gitops } = workspace({ remote: settings(remote, github()) });
    const first = await gitops.apply(request());
    stub.hideFromList = 1; // the next listing misses the pull request, so Atlas tries to open it again
    const second = await gitops.apply(request());
    expect(stub.requests.filter((r) => r.method === "POST").map((r) => r.path)).toHaveLength(2);
    expect(stub.reviews).toHaveLength(1);
    expect(second.review).toEqual(first.review);
  });

  it("opens exactly one GitLab merge request, with the project path encoded and PRIVATE-TOKEN", async () => {
    const remote = join(tmp("atlas-remote-"), "infra.git");
    makeRemoteRepo(remote);
    const { gitops } = workspace({ remote: settings(remote, gitlab()) });
    const first = await gitops.apply(request());
    stub.hideFromList = 1; // and once through GitLab's 409
    const second = await gitops.apply(request());
    expect(stub.reviews).toHaveLength(1);
    const mr = stub.reviews[0];
    expect(mr).toMatchObject({ host: "gitlab", repository: "infra/live", branch: "atlas/acme/plan-orders-1/v1", base: "main" });
    expect(first.review).toEqual({ url: mr?.url, number: mr?.number });
    expect(second.review).toEqual(first.review);
    expect(mr?.body).toContain(notes.summary);
    expect(mr?.body).toContain("Approved by: alice");
    for (const sent of stub.requests) {
      expect(sent.path.startsWith("/api/v4/projects/infra%2Flive/merge_requests")).toBe(true);
      expect(sent.headers["private-token"]).toBe(TOKEN);
      expect(sent.headers.authorization).toBeUndefined();
    }
  });

  it("a push that fails fails the apply with a clear message; the retry after the remote is fixed pushes and opens the review", async () => {
    const remote = join(tmp("atlas-remote-"), "later.git"); // not there yet
    const { dir, gitops } = workspace({ remote: settings(remote, github()) });
    const failed = await rejection(gitops.apply(request()));
    expect(failed).toMatchObject({ code: "UPSTREAM_FAILED" });
    expect(failed.message).toMatch(/^GitOps remote: fetching base branch main from the remote failed: .+/);
    expect(stub.requests).toHaveLength(0);
    // the local commit stands; the retry finds it
    const local = git(dir, "rev-parse", "HEAD");

    makeRemoteRepo(remote);
    const retried = await gitops.apply(request());
    expect(retried).toMatchObject({ alreadyApplied: true, commit: local });
    expect(git(remote, "rev-parse", "refs/heads/atlas/acme/plan-orders-1/v1")).toBe(retried.pushed?.commit);
    expect(stub.reviews).toHaveLength(1);

    // a review host that fails fails the step too; nothing is pushed twice on the retry
    stub.failures.push({ status: 502, body: { message: "bad gateway" } });
    const other = request({ threadId: "orders-2", planId: "plan-orders-2" });
    await expect(gitops.apply(other)).rejects.toMatchObject({ code: "UPSTREAM_FAILED", message: expect.stringContaining("GitHub answered 502") });
    const pushedBefore = git(remote, "rev-parse", "refs/heads/atlas/acme/plan-orders-2/v1");
    const otherRetried = await gitops.apply(other);
    expect(otherRetried.pushed?.commit).toBe(pushedBefore);
    expect(stub.reviews.map((r) => r.branch)).toEqual(["atlas/acme/plan-orders-1/v1", "atlas/acme/plan-orders-2/v1"]);
  });

  it("never shows the token or URL credentials in an error", async () => {
    // an https-style remote that answers 401 (the stub is no git server): git fails with the URL in its message
    const url = `${stub.githubUrl.replace("http://", "http://atlas:url-secret-42@")}/acme/infra-live.git`;
    const { gitops } = workspace({ remote: settings(url, github()) });
    const failed = await rejection(gitops.apply(request()));
    expect(failed.message).toMatch(/^GitOps remote: fetching base branch main from the remote failed/);
    expect(failed.message).not.toContain("url-secret-42");
    expect(failed.message).not.toContain(TOKEN);
    expect(failed.message).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString("base64"));
    expect(failed.cause).toBeUndefined();
    // what git did send: the token as its HTTP credentials, in a header, not in the URL
    const fetched = stub.requests.find((r) => r.path === "/acme/infra-live.git/info/refs");
    expect(fetched?.headers.authorization).toBe(`Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString("base64")}`);
  });

  it("refuses to overwrite a branch on the remote that holds something else", async () => {
    const remote = join(tmp("atlas-remote-"), "infra.git");
    const main = makeRemoteRepo(remote);
    git(remote, "update-ref", "refs/heads/atlas/acme/plan-orders-1/v1", main);
    const { gitops } = workspace({ remote: settings(remote) });
    await expect(gitops.apply(request())).rejects.toMatchObject({ code: "UPSTREAM_FAILED", message: expect.stringContaining("already exists on the remote") });
    expect(git(remote, "rev-parse", "refs/heads/atlas/acme/plan-orders-1/v1")).toBe(main);
  });

  it("rollback pushes the revert to its own branch on the base branch and opens its review once", async () => {
    const remote = join(tmp("atlas-remote-"), "infra.git");
    makeRemoteRepo(remote);
    const { gitops } = workspace({ remote: settings(remote, github()) });
    const applied = await gitops.apply(request());
    // the team merges the apply's pull request
    git(remote, "update-ref", "refs/heads/main", applied.pushed?.commit ?? "");

    const rollback = { ...request(), commit: applied.commit, by: "bob", reason: "error rate up" };
    const rolledBack = await gitops.rollback(rollback);
    const branch = "atlas/acme/plan-orders-1/v1-rollback";
    expect(rolledBack.pushed?.remote_branch).toBe(branch);
    expect(git(remote, "rev-parse", `refs/heads/${branch}`)).toBe(rolledBack.pushed?.commit);
    expect(git(remote, "rev-parse", `${branch}^`)).toBe(applied.pushed?.commit);
    expect(git(remote, "ls-tree", "-r", "--name-only", branch)).toBe("README.md");
    const message = git(remote, "log", "-1", "--format=%B", branch);
    expect(message).toContain(`Reverts: ${applied.commit}`);
    expect(message).toContain("Rolled-back-by: bob");

    expect(stub.reviews).toHaveLength(2);
    expect(stub.reviews[1]).toMatchObject({ branch, base: "main" });
    expect(stub.reviews[1]?.title).toContain("Roll back plan-orders-1 v1");
    expect(stub.reviews[1]?.body).toContain("error rate up");
    expect(rolledBack.review).toEqual({ url: stub.reviews[1]?.url, number: stub.reviews[1]?.number });

    const again = await gitops.rollback(rollback);
    expect(again).toMatchObject({ alreadyRolledBack: true, commit: rolledBack.commit, pushed: rolledBack.pushed, review: rolledBack.review });
    expect(stub.reviews).toHaveLength(2);
  });

  it("rollback SLA: seconds from the call to the revert's start and to its push, with misses counted", async () => {
    const remoteParent = tmp("atlas-remote-");
    const remote = join(remoteParent, "infra.git");
    let now = Date.parse("2026-03-01T12:00:00Z");
    const metrics = makeMetrics();
    const { gitops } = workspace({
      remote: settings(remote),
      clock: () => new Date(now),
      rollbackObserver: { begun: (s) => metrics.recordRollback("begin", s), handedOff: (s) => metrics.recordRollback("end", s) },
    });
    const at = (offsetSeconds: number) => new Date(Date.parse("2026-03-01T12:00:00Z") + offsetSeconds * 1000).toISOString();
    const series = async () => {
      const histogram = (await metrics.rollbackSeconds.get()).values;
      const misses = (await metrics.rollbackSlaMisses.get()).values;
      const pick = (values: typeof histogram, name: string, stage: string) =>
        values.find((v) => (v.metricName ?? name) === name && v.labels.stage === stage)?.value;
      return {
        beginCount: pick(histogram, "atlas_rollback_seconds_count", "begin"),
        beginSum: pick(histogram, "atlas_rollback_seconds_sum", "begin"),
        endCount: pick(histogram, "atlas_rollback_seconds_count", "end"),
        endSum: pick(histogram, "atlas_rollback_seconds_sum", "end"),
        beginMisses: pick(misses, "atlas_rollback_sla_misses_total", "begin"),
        endMisses: pick(misses, "atlas_rollback_sla_misses_total", "end"),
      };
    };
    expect(await series()).toEqual({ beginCount: 0, beginSum: 0, endCount: 0, endSum: 0, beginMisses: 0, endMisses: 0 });

    makeRemoteRepo(remote);
    const applied = await gitops.apply(request());
    // asked 400 s ago: the revert begins late (over 300 s) but is handed off in time (under 900 s)
    await gitops.rollback({ ...request(), commit: applied.commit, by: "bob", reason: "r", requestedAt: at(-400) });
    expect(await series()).toEqual({ beginCount: 1, beginSum: 400, endCount: 1, endSum: 400, beginMisses: 1, endMisses: 0 });

    // a push that fails: the revert began 100 s after the call; the retry, 250 s later, ends it,
    // measured from the first call (kept in the revert commit), not from the retry's
    const other = request({ threadId: "orders-2", planId: "plan-orders-2" });
    const otherApplied = await gitops.apply(other);
    removeTmpDir(remote);
    await expect(gitops.rollback({ ...other, commit: otherApplied.commit, by: "bob", reason: "r", requestedAt: at(-100) })).rejects.toMatchObject({
      code: "UPSTREAM_FAILED",
    });
    expect(await series()).toMatchObject({ beginCount: 2, beginSum: 500, endCount: 1 });
    mkdirSync(remoteParent, { recursive: true });
    makeRemoteRepo(remote);
    now += 250_000;
    await gitops.rollback({ ...other, commit: otherApplied.commit, by: "bob", reason: "r", requestedAt: at(240) });
    expect(await series()).toEqual({ beginCount: 2, beginSum: 500, endCount: 2, endSum: 750, beginMisses: 1, endMisses: 0 });
  });
});
