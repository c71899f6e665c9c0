import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { AtlasError } from "./errors.js";

const run = promisify(execFile);

/** A file to commit, relative to the plan's folder in the workspace. */
export interface WorkspaceFile {
  path: string;
  content: string;
}

/** Which run a commit belongs to: the trailers every Atlas commit carries, and how commits are found. */
export interface RunRef {
  tenant: string;
  threadId: string;
  planId: string;
  planVersion: number;
  traceId: string;
}

export interface ApplyRequest extends RunRef {
  /** who approved: the key's name (or the Slack approver, or `cli:<user>`) */
  approver: string;
  /** the id of the key that approved, as its own trailer; null or absent when no key did */
  approverKeyId?: string | null | undefined;
  files: WorkspaceFile[];
}

export interface ApplyResult {
  commit: string;
  /** folder of the plan inside the workspace */
  path: string;
  alreadyApplied: boolean;
}

export interface RollbackRequest extends RunRef {
  /** the apply commit to revert, as the run recorded it */
  commit: string;
  by: string;
  reason: string;
}

/** The GitOps workspace: a git repository where approved artifacts are committed. */
export interface GitopsWorkspace {
  readonly dir: string;
  apply(request: ApplyRequest): Promise<ApplyResult>;
  /** Reverts the run's apply commit; a no-op when already reverted. */
  rollback(request: RollbackRequest): Promise<{ commit: string; alreadyRolledBack: boolean }>;
  /** Commit hashes and messages, newest first. */
  log(limit?: number): Promise<{ commit: string; message: string }[]>;
}

/** Runs `fn` holding a lock every process that uses the workspace shares (a Postgres advisory lock). */
export type WorkspaceLock = <T>(fn: () => Promise<T>) => Promise<T>;

/** The plan's folder: keyed by tenant and plan, so two tenants' plans never share one. */
export const planFolder = (ref: Pick<RunRef, "tenant" | "planId">) => `plans/${ref.tenant}/${ref.planId}`;

/** Ids that go into trailers and paths: what tenant, thread and plan ids already are. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a reason may span lines, nothing else
const CONTROL_BUT_NEWLINES = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/**
 * Refuses text that could forge history. Identity (ids, approver, who rolled back) is one line
 * without control characters: it goes into trailers, which name the commits Atlas looks for. The
 * API refuses such text first; this is the workspace's own guard.
 */
function checkRef(ref: RunRef, people: Record<string, string>, reason?: string): void {
  for (const [name, value] of Object.entries({ tenant: ref.tenant, thread: ref.threadId, plan: ref.planId, trace: ref.traceId })) {
    if (!SAFE_ID.test(value)) throw new AtlasError("VALIDATION_FAILED", `GitOps: ${name} id ${JSON.stringify(value)} is not a plain id`);
  }
  if (!Number.isInteger(ref.planVersion) || ref.planVersion < 1) throw new AtlasError("VALIDATION_FAILED", `GitOps: plan version ${ref.planVersion}`);
  for (const [name, value] of Object.entries(people)) {
    if (!value.trim() || CONTROL.test(value)) throw new AtlasError("VALIDATION_FAILED", `GitOps: ${name} must be one line of text without control characters`);
  }
  if (reason !== undefined && CONTROL_BUT_NEWLINES.test(reason)) throw new AtlasError("VALIDATION_FAILED", "GitOps: the reason holds control characters");
}

/** The trailer block that identifies a run's commit. */
function trailers(action: "apply" | "rollback", ref: RunRef): string {
  return [
    `Atlas-Action: ${action}`,
    `Atlas-Tenant: ${ref.tenant}`,
    `Atlas-Thread: ${ref.threadId}`,
    `Atlas-Plan: ${ref.planId}`,
    `Atlas-Plan-Version: ${ref.planVersion}`,
    `Atlas-Trace-Id: ${ref.traceId}`,
  ].join("\n");
}

/** Who approved, as trailers: `Approved-by` the name and, when a key approved, `Atlas-Approver-Key` its id. */
function approvedBy(request: Pick<ApplyRequest, "approver" | "approverKeyId">): string {
  const key = request.approverKeyId ? `Atlas-Approver-Key: ${request.approverKeyId}\n` : "";
  return `Approved-by: ${request.approver}\n${key}`;
}

/** A commit's trailers as git itself parses them (only the message's last paragraph), by key. */
type Trailers = Map<string, string[]>;

function parseTrailers(block: string): Trailers {
  const found: Trailers = new Map();
  for (const line of block.split("\n")) {
    const at = line.indexOf(": ");
    if (at > 0) found.set(line.slice(0, at), [...(found.get(line.slice(0, at)) ?? []), line.slice(at + 2)]);
  }
  return found;
}

/** The single value of a trailer, or undefined when it is absent or repeated. */
function one(found: Trailers, key: string): string | undefined {
  const values = found.get(key) ?? [];
  return values.length === 1 ? values[0] : undefined;
}

/** Lock files git leaves behind when it is killed mid-operation. */
async function lockFiles(dir: string, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "objects") await lockFiles(path, out);
    else if (entry.name.endsWith(".lock")) out.push(path);
  }
  return out;
}

/**
 * A GitOps workspace in `dir` (created and `git init`ed on first use). Each apply writes the
 * plan's files under `plans/<tenant>/<plan id>/` and makes one commit; trailers name the tenant,
 * thread, plan, version and trace. Replicas sharing `dir` must pass a shared `lock`.
 *
 * Every operation runs under the lock, so whatever another git process left in the repository
 * (a lock file, a half-staged index, files of an unfinished apply) is a leftover of a crash: it is
 * cleared before the operation, which is what makes a kill -9 mid-commit harmless.
 */
export function makeGitopsWorkspace(dir: string, options: { lock?: WorkspaceLock; log?: { warn(obj: object, msg: string): void } } = {}): GitopsWorkspace {
  const root = resolve(dir);
  const git = async (...args: string[]) =>
    (
      await run("git", ["-c", "user.name=Atlas", "-c", "user.email=atlas@localhost", "-c", "commit.gpgsign=false", ...args], { cwd: root, maxBuffer: 64 << 20 })
    ).stdout.trim();
  let ready: Promise<void> | null = null;
  const ensureRepo = () => {
    ready ??= (async () => {
      await mkdir(root, { recursive: true });
      if (!existsSync(join(root, ".git"))) {
        await git("init", "-q", "-b", "main");
        await git("commit", "-q", "--allow-empty", "-m", "Initialise Atlas GitOps workspace");
      }
    })().catch((error: unknown) => {
      ready = null;
      throw error;
    });
    return ready;
  };

  /** Clears what a killed git process left: lock files, a half-done revert, staged or stray files. */
  async function recover(): Promise<void> {
    const stale = await lockFiles(join(root, ".git"));
    if (stale.length) {
      options.log?.warn({ locks: stale.map((path) => relative(root, path)) }, "removing git lock files left by an interrupted operation");
      await Promise.all(stale.map((path) => rm(path, { force: true })));
    }
    await git("reset", "-q", "--hard", "HEAD");
    await git("clean", "-q", "-fd", "--", "plans");
    await rm(join(root, ".git", "REVERT_HEAD"), { force: true });
  }

  // One git operation at a time within this process, and under `lock` across processes: git's
  // own index lock only makes a concurrent `git add` fail, and a commit would take in whatever
  // another process had staged.
  const lock: WorkspaceLock = options.lock ?? ((fn) => fn());
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const locked = () =>
      lock(async () => {
        await ensureRepo();
        await recover();
        return fn();
      });
    const next = queue.then(locked, locked);
    queue = next.catch(() => {});
    return next;
  };

  /** Commits whose message mentions `needle` (a cheap pre-filter), with their parsed trailers, newest first. */
  async function candidates(needle: string): Promise<{ commit: string; trailers: Trailers }[]> {
    const out = await git("log", "--format=%H%x00%(trailers:only,unfold)%x1e", "--fixed-strings", `--grep=${needle}`);
    return out
      .split("\x1e")
      .map((entry) => entry.trim().split("\x00"))
      .filter((parts): parts is [string, string] => Boolean(parts[0]))
      .map(([commit, block = ""]) => ({ commit, trailers: parseTrailers(block) }));
  }

  /** This run's apply commit: its trailers name the same tenant, thread, plan and version. */
  async function findApply(ref: RunRef): Promise<string | null> {
    const found = (await candidates(`Atlas-Thread: ${ref.threadId}`)).find(
      ({ trailers: t }) =>
        one(t, "Atlas-Action") === "apply" &&
        one(t, "Atlas-Tenant") === ref.tenant &&
        one(t, "Atlas-Thread") === ref.threadId &&
        one(t, "Atlas-Plan") === ref.planId &&
        one(t, "Atlas-Plan-Version") === String(ref.planVersion),
    );
    return found?.commit ?? null;
  }

  /** The rollback commit that reverted `applied`, if any. */
  async function findRollbackOf(applied: string): Promise<string | null> {
    const found = (await candidates(`Reverts: ${applied}`)).find(({ trailers: t }) => one(t, "Atlas-Action") === "rollback" && one(t, "Reverts") === applied);
    return found?.commit ?? null;
  }

  /**
   * Checks that `commit` is an apply commit of this plan version. The run's own record (its
   * checkpoint, tenant-scoped) names the commit; this only refuses a record that does not fit.
   * Commits made before trailers named tenant and thread carry neither: those two are then not compared.
   */
  async function checkApplyCommit(commit: string, ref: RunRef): Promise<void> {
    const block = await git("log", "-1", "--format=%(trailers:only,unfold)", commit, "--").catch(() => null);
    const t = parseTrailers(block ?? "");
    const fits =
      block !== null &&
      one(t, "Atlas-Action") === "apply" &&
      one(t, "Atlas-Plan") === ref.planId &&
      one(t, "Atlas-Plan-Version") === String(ref.planVersion) &&
      (t.has("Atlas-Tenant") ? one(t, "Atlas-Tenant") === ref.tenant : true) &&
      (t.has("Atlas-Thread") ? one(t, "Atlas-Thread") === ref.threadId : true);
    if (!fits) throw new AtlasError("CONFLICT", `commit ${commit} is not the apply commit of ${ref.planId} v${ref.planVersion} in this workspace`);
  }

  return {
    dir: root,
    apply: (request) =>
      serial(async () => {
        checkRef(request, { approver: request.approver });
        if (request.approverKeyId != null && !SAFE_ID.test(request.approverKeyId))
          throw new AtlasError("VALIDATION_FAILED", `GitOps: approver key id ${JSON.stringify(request.approverKeyId)} is not a plain id`);
        const folder = planFolder(request);
        const existing = await findApply(request);
        if (existing) return { commit: existing, path: folder, alreadyApplied: true };
        await rm(join(root, folder), { recursive: true, force: true });
        for (const file of request.files) {
          const target = resolve(root, folder, file.path);
          if (relative(join(root, folder), target).startsWith("..") || target.includes(`${sep}.git${sep}`)) {
            throw new AtlasError("VALIDATION_FAILED", `artifact path escapes the workspace: ${file.path}`);
          }
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, file.content);
        }
        await git("add", "-A", "--", folder);
        const message = `Apply ${request.planId} v${request.planVersion} (trace ${request.traceId})\n\n${approvedBy(request)}${trailers("apply", request)}`;
        await git("commit", "-q", "--allow-empty", "-m", message);
        return { commit: await git("rev-parse", "HEAD"), path: folder, alreadyApplied: false };
      }),
    rollback: (request) =>
      serial(async () => {
        checkRef(request, { by: request.by }, request.reason);
        if (!/^[0-9a-f]{40,64}$/.test(request.commit))
          throw new AtlasError("VALIDATION_FAILED", `GitOps: ${JSON.stringify(request.commit)} is not a commit id`);
        const done = await findRollbackOf(request.commit);
        if (done) return { commit: done, alreadyRolledBack: true };
        await checkApplyCommit(request.commit, request);
        await git("revert", "--no-edit", "--no-commit", request.commit);
        const message = `Roll back ${request.planId} v${request.planVersion} (trace ${request.traceId})\n\n${request.reason.trim()}\n\nRolled-back-by: ${request.by}\nReverts: ${request.commit}\n${trailers("rollback", request)}`;
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
