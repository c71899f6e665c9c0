import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A file to commit, relative to the plan's folder in the workspace. */
export interface WorkspaceFile {
  path: string;
  content: string;
}

export interface ApplyRequest {
  planId: string;
  planVersion: number;
  traceId: string;
  approver: string;
  files: WorkspaceFile[];
}

export interface ApplyResult {
  commit: string;
  /** folder of the plan inside the workspace */
  path: string;
  alreadyApplied: boolean;
}

/** The GitOps workspace: a git repository where approved artifacts are committed. */
export interface GitopsWorkspace {
  readonly dir: string;
  apply(request: ApplyRequest): Promise<ApplyResult>;
  /** Reverts the commit that applied this plan version; a no-op when already reverted. */
  rollback(request: { planId: string; planVersion: number; traceId: string; by: string; reason: string }): Promise<{ commit: string; alreadyRolledBack: boolean }>;
  /** Commit subjects and trailers, newest first. */
  log(limit?: number): Promise<{ commit: string; message: string }[]>;
}

/** Trailers make commits findable by plan, so a repeated apply or rollback is detected, not duplicated. */
function trailers(planId: string, planVersion: number, traceId: string): string {
  return `Atlas-Plan: ${planId}\nAtlas-Plan-Version: ${planVersion}\nAtlas-Trace-Id: ${traceId}`;
}

/** Runs `fn` holding a lock every process that uses the workspace shares (a Postgres advisory lock). */
export type WorkspaceLock = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * A GitOps workspace in `dir` (created and `git init`ed on first use). Each apply writes the
 * plan's files under `plans/<plan id>/` and makes one commit naming the trace id and approver.
 * Replicas sharing `dir` must pass a shared `lock`.
 */
export function makeGitopsWorkspace(dir: string, options: { lock?: WorkspaceLock } = {}): GitopsWorkspace {
  const root = resolve(dir);
  const git = async (...args: string[]) =>
    (await run("git", ["-c", "user.name=Atlas", "-c", "user.email=atlas@localhost", "-c", "commit.gpgsign=false", ...args], { cwd: root, maxBuffer: 64 << 20 })).stdout.trim();
  let ready: Promise<void> | null = null;
  const ensureRepo = () => {
    ready ??= (async () => {
      await mkdir(root, { recursive: true });
      if (!existsSync(join(root, ".git"))) {
        await git("init", "-q", "-b", "main");
        await git("commit", "-q", "--allow-empty", "-m", "Initialise Atlas GitOps workspace");
      }
    })();
    return ready;
  };
  // One git operation at a time within this process, and under `lock` across processes: git's
  // own index lock only makes a concurrent `git add` fail, and a commit would take in whatever
  // another process had staged.
  const lock: WorkspaceLock = options.lock ?? ((fn) => fn());
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const locked = () => lock(fn);
    const next = queue.then(locked, locked);
    queue = next.catch(() => {});
    return next;
  };
  const findCommit = async (grep: string[]): Promise<string | null> => {
    const out = await git("log", "--format=%H", "--all-match", ...grep.map((g) => `--grep=${g}`), "-n", "1");
    return out || null;
  };

  return {
    dir: root,
    apply: (request) =>
      serial(async () => {
        await ensureRepo();
        const folder = `plans/${request.planId}`;
        const existing = await findCommit([`^Atlas-Plan: ${request.planId}$`, `^Atlas-Plan-Version: ${request.planVersion}$`, "^Atlas-Action: apply$"]);
        if (existing) return { commit: existing, path: folder, alreadyApplied: true };
        await rm(join(root, folder), { recursive: true, force: true });
        for (const file of request.files) {
          const target = resolve(root, folder, file.path);
          if (relative(join(root, folder), target).startsWith("..") || target.includes(`${sep}.git${sep}`)) {
            throw new Error(`artifact path escapes the workspace: ${file.path}`);
          }
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, file.content);
        }
        await git("add", "-A", "--", folder);
        const message = `Apply ${request.planId} v${request.planVersion} (trace ${request.traceId})\n\nApproved-by: ${request.approver}\nAtlas-Action: apply\n${trailers(request.planId, request.planVersion, request.traceId)}`;
        await git("commit", "-q", "--allow-empty", "-m", message);
        return { commit: await git("rev-parse", "HEAD"), path: folder, alreadyApplied: false };
      }),
    rollback: (request) =>
      serial(async () => {
        await ensureRepo();
        const done = await findCommit([`^Atlas-Plan: ${request.planId}$`, `^Atlas-Plan-Version: ${request.planVersion}$`, "^Atlas-Action: rollback$"]);
        if (done) return { commit: done, alreadyRolledBack: true };
        const applied = await findCommit([`^Atlas-Plan: ${request.planId}$`, `^Atlas-Plan-Version: ${request.planVersion}$`, "^Atlas-Action: apply$"]);
        if (!applied) throw new Error(`no apply commit for ${request.planId} v${request.planVersion}`);
        await git("revert", "--no-edit", "--no-commit", applied);
        const message = `Roll back ${request.planId} v${request.planVersion} (trace ${request.traceId})\n\n${request.reason}\n\nRolled-back-by: ${request.by}\nReverts: ${applied}\nAtlas-Action: rollback\n${trailers(request.planId, request.planVersion, request.traceId)}`;
        await git("commit", "-q", "--allow-empty", "-m", message);
        return { commit: await git("rev-parse", "HEAD"), alreadyRolledBack: false };
      }),
    log: async (limit = 20) => {
      await ensureRepo();
      const out = await git("log", `-n${limit}`, "--format=%H%x00%B%x1e");
      return out
        .split("\x1e")
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry) => {
          const [commit, message] = entry.split("\x00") as [string, string];
          return { commit, message: message.trim() };
        });
    },
  };
}
