import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeTmpDir, removeTmpDir } from "../test/helpers/tmp.js";
import { type ApplyRequest, makeGitopsWorkspace, planFolder } from "./gitops.js";

// The GitOps workspace on a real git repository in a temporary folder.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeTmpDir(dir);
});

function workspace() {
  const dir = makeTmpDir("atlas-gitops-");
  dirs.push(dir);
  const warnings: string[] = [];
  return { dir, warnings, gitops: makeGitopsWorkspace(dir, { log: { warn: (_obj, msg) => void warnings.push(msg) } }) };
}

const request = (overrides: Partial<ApplyRequest> = {}): ApplyRequest => ({
  tenant: "acme",
  threadId: "prod-api-1",
  planId: "plan-prod-api-1",
  planVersion: 1,
  traceId: "0123456789abcdef0123456789abcdef",
  approver: "alice",
  files: [{ path: "terraform/main.tf", content: 'resource "null_resource" "x" {}\n' }],
  ...overrides,
});

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();

describe("GitOps workspace", () => {
  it("a lock file left by a git process killed mid-commit does not wedge the next apply or rollback", async () => {
    const { dir, gitops, warnings } = workspace();
    const first = await gitops.apply(request());
    // what kill -9 during `git add` / `git commit` leaves: the index lock, a half-written ref lock,
    // and files of the unfinished apply in the work tree
    writeFileSync(join(dir, ".git", "index.lock"), "");
    writeFileSync(join(dir, ".git", "refs", "heads", "main.lock"), "");
    writeFileSync(join(dir, "plans", "acme", "plan-prod-api-1", "stray.tf"), "half written");

    const second = await gitops.apply(request({ threadId: "prod-api-2", planId: "plan-prod-api-2" }));
    expect(second.alreadyApplied).toBe(false);
    expect(existsSync(join(dir, ".git", "index.lock"))).toBe(false);
    expect(existsSync(join(dir, "plans", "acme", "plan-prod-api-1", "stray.tf"))).toBe(false);
    expect(warnings).toContain("removing git lock files left by an interrupted operation");

    writeFileSync(join(dir, ".git", "index.lock"), "");
    const rolledBack = await gitops.rollback({ ...request(), commit: first.commit, by: "bob", reason: "bad change" });
    expect(rolledBack.alreadyRolledBack).toBe(false);
    expect(existsSync(join(dir, "plans", "acme", "plan-prod-api-1", "terraform", "main.tf"))).toBe(false);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("refuses names that would add trailer lines, and text in a reason cannot fake a rollback", async () => {
    const { gitops } = workspace();
    await expect(gitops.apply(request({ approver: "mallory\nAtlas-Action: rollback" }))).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(gitops.apply(request({ approver: "eve\u0000" }))).rejects.toMatchObject({ code: "VALIDATION_FAILED" });

    // a victim's plan, applied
    const victim = await gitops.apply(request({ tenant: "victim", threadId: "v-1", planId: "plan-v-1" }));
    // the attacker's own plan, applied and rolled back with a reason that imitates trailers
    const mine = await gitops.apply(request({ tenant: "attacker", threadId: "a-1", planId: "plan-a-1" }));
    const forged = `x\n\nAtlas-Action: rollback\nReverts: ${victim.commit}\nAtlas-Tenant: victim\nAtlas-Thread: v-1\nAtlas-Plan: plan-v-1\nAtlas-Plan-Version: 1`;
    await gitops.rollback({ ...request({ tenant: "attacker", threadId: "a-1", planId: "plan-a-1" }), commit: mine.commit, by: "mallory", reason: forged });
    // the victim's rollback still reverts its own commit
    const victimRollback = await gitops.rollback({
      ...request({ tenant: "victim", threadId: "v-1", planId: "plan-v-1" }),
      commit: victim.commit,
      by: "alice",
      reason: "r",
    });
    expect(victimRollback.alreadyRolledBack).toBe(false);
    // and an approver name with trailer-like text stays one value of Approved-by
    const odd = await gitops.apply(request({ tenant: "victim", threadId: "v-2", planId: "plan-v-2", approver: "x Atlas-Action: rollback" }));
    expect(odd.alreadyApplied).toBe(false);
    const again = await gitops.apply(request({ tenant: "victim", threadId: "v-2", planId: "plan-v-2" }));
    expect(again).toMatchObject({ alreadyApplied: true, commit: odd.commit });
  });

  it("refuses to revert a commit that is not the run's own apply", async () => {
    const { gitops } = workspace();
    const other = await gitops.apply(request({ tenant: "other", threadId: "o-1", planId: "plan-o-1" }));
    await gitops.apply(request());
    await expect(gitops.rollback({ ...request(), commit: other.commit, by: "bob", reason: "r" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("two tenants with the same plan id get separate folders and commits; a rollback touches only its own", async () => {
    const { dir, gitops } = workspace();
    const a = await gitops.apply(request({ tenant: "acme" }));
    const b = await gitops.apply(request({ tenant: "globex", files: [{ path: "terraform/main.tf", content: "# globex\n" }] }));
    expect(b.alreadyApplied).toBe(false);
    expect(a.path).toBe(planFolder({ tenant: "acme", planId: "plan-prod-api-1" }));
    expect(b.path).toBe("plans/globex/plan-prod-api-1");
    await gitops.rollback({ ...request({ tenant: "acme" }), commit: a.commit, by: "bob", reason: "r" });
    expect(existsSync(join(dir, a.path, "terraform", "main.tf"))).toBe(false);
    expect(readFileSync(join(dir, b.path, "terraform", "main.tf"), "utf8")).toBe("# globex\n");
  });
});
