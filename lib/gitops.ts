import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { AtlasError } from "./errors.js";
import { type GitopsRemoteSettings, makeRemote, type PushedBranch } from "./gitops/remote.js";
import { makeReviewClient, type Review } from "./gitops/review.js";
import { applyReviewText, type ReviewNotes, rollbackReviewText } from "./gitops/review-body.js";
import { commitsWithTrailers, one, parseTrailers, TRAILER_LOG_FORMAT, type Trailers } from "./gitops/trailers.js";

export type { GitopsRemoteSettings, PushedBranch } from "./gitops/remote.js";
export type { Review } from "./gitops/review.js";
export type { ReviewNotes } from "./gitops/review-body.js";

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
  /** what the review (pull or merge request) says about the plan; only used with a review host */
  notes?: ReviewNotes | undefined;
}

export interface ApplyResult {
  commit: string;
  /** folder of the plan inside the workspace */
  path: string;
  alreadyApplied: boolean;
  /** the branch pushed to the remote and its commit; null without GITOPS_REMOTE_URL */
  pushed: PushedBranch | null;
  /** the pull or merge request of the pushed branch; null without a review host (GITOPS_TOKEN) */
  review: Review | null;
}

export interface RollbackRequest extends RunRef {
  /** the apply commit to revert, as the run recorded it */
  commit: string;
  by: string;
  reason: string;
  /** when the rollback was asked for (ISO 8601): the start of the rollback SLA; absent: not measured */
  requestedAt?: string | undefined;
}

export interface RollbackResult {
  commit: string;
  alreadyRolledBack: boolean;
  /** the revert's branch on the remote; null without GITOPS_REMOTE_URL */
  pushed: PushedBranch | null;
  review: Review | null;
}

/**
 * The rollback SLA as the workspace sees it, in seconds from the rollback call: to the start of
 * the revert commit, and to the revert being handed off (pushed; without a remote, committed).
 * Each is reported once per rollback: `begun` when the revert commit is made, `handedOff` when
 * the revert reaches the remote (possibly on a retry, still measured from the first call).
 */
export interface RollbackObserver {
  begun(seconds: number): void;
  handedOff(seconds: number): void;
}

/** The GitOps workspace: a git repository where approved artifacts are committed. */
export interface GitopsWorkspace {
  readonly dir: string;
  apply(request: ApplyRequest): Promise<ApplyResult>;
  /** Reverts the run's apply commit; a no-op when already reverted. */
  rollback(request: RollbackRequest): Promise<RollbackResult>;
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

/** Lock files git leaves behind when it is killed mid-operation. */
async function lockFiles(dir: string, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "objects") await lockFiles(path, out);
    else if (entry.name.endsWith(".lock")) out.push(path);
  }
  return out;
}

/** How a workspace is built: everything optional; without `remote` it only commits locally. */
export interface GitopsWorkspaceOptions {
  lock?: WorkspaceLock;
  log?: { warn(obj: object, msg: string): void; info?(obj: object, msg: string): void };
  /** GITOPS_* settings: push each change to its branch there (and open a review with a token) */
  remote?: GitopsRemoteSettings | null;
  /** the time rollback SLAs are measured with; default the system clock */
  clock?: () => Date;
  rollbackObserver?: RollbackObserver;
  /** the HTTP client of the review host's API; global fetch by default */
  fetch?: typeof fetch;
}

/** True when `t` are the trailers of this run's apply commit: the same tenant, thread, plan and version. */
function isApplyOf(t: Trailers, ref: RunRef): boolean {
  return (
    one(t, "Atlas-Action") === "apply" &&
    one(t, "Atlas-Tenant") === ref.tenant &&
    one(t, "Atlas-Thread") === ref.threadId &&
    one(t, "Atlas-Plan") === ref.planId &&
    one(t, "Atlas-Plan-Version") === String(ref.planVersion)
  );
}

/** True when `t` are the trailers of the run's revert of `applied`. */
function isRollbackOf(t: Trailers, applied: string): boolean {
  return one(t, "Atlas-Action") === "rollback" && one(t, "Reverts") === applied;
}

/** The call time of a rollback as a trailer value (ISO 8601); undefined when absent, refused when not a time. */
function requestTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new AtlasError("VALIDATION_FAILED", `GitOps: rollback request time ${JSON.stringify(value)} is not a time`);
  return time.toISOString();
}

/**
 * A GitOps workspace in `dir` (created and `git init`ed on first use). Each apply writes the
 * plan's files under `plans/<tenant>/<plan id>/` and makes one commit; trailers name the tenant,
 * thread, plan, version and trace. Replicas sharing `dir` must pass a shared `lock`.
 *
 * Every operation runs under the lock, so whatever another git process left in the repository
 * (a lock file, a half-staged index, files of an unfinished apply) is a leftover of a crash: it is
 * cleared before the operation, which is what makes a kill -9 mid-commit harmless.
 *
 * With `remote`, the local commit is then pushed to its own branch on the remote (see
 * gitops/remote.ts) and, with a review host, a pull or merge request is opened for it. The local
 * commit comes first and is found again on a re-run, so a failed push or API call leaves the step
 * retryable: the retry pushes (or finds the pushed branch) and opens (or finds) the review.
 */
export function makeGitopsWorkspace(dir: string, options: GitopsWorkspaceOptions = {}): GitopsWorkspace {
  const root = resolve(dir);
  const clock = options.clock ?? (() => new Date());
  /** Seconds from `iso` to now on the workspace's clock; never negative (a clock that stepped back). */
  const secondsSince = (iso: string) => Math.max(0, (clock().getTime() - Date.parse(iso)) / 1000);
  const remote = options.remote ? makeRemote(root, options.remote) : null;
  const reviews = options.remote?.review ? makeReviewClient({ ...options.remote.review, fetch: options.fetch }) : null;
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
    return commitsWithTrailers(await git("log", TRAILER_LOG_FORMAT, "--fixed-strings", `--grep=${needle}`));
  }

  /** This run's apply commit: its trailers name the same tenant, thread, plan and version. */
  async function findApply(ref: RunRef): Promise<string | null> {
    const found = (await candidates(`Atlas-Thread: ${ref.threadId}`)).find(({ trailers: t }) => isApplyOf(t, ref));
    return found?.commit ?? null;
  }

  /** The rollback commit that reverted `applied`, with its trailers, if any. */
  async function findRollbackOf(applied: string): Promise<{ commit: string; trailers: Trailers } | null> {
    return (await candidates(`Reverts: ${applied}`)).find(({ trailers: t }) => isRollbackOf(t, applied)) ?? null;
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

  /** The plan's apply commit: the one already made (a re-run), or a new one. */
  async function commitApply(request: ApplyRequest, folder: string): Promise<{ commit: string; alreadyApplied: boolean }> {
    const existing = await findApply(request);
    if (existing) return { commit: existing, alreadyApplied: true };
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
    return { commit: await git("rev-parse", "HEAD"), alreadyApplied: false };
  }

  /** The run's revert commit: the one already made (a re-run), or a new one, reporting its start to the SLA observer. */
  async function commitRollback(request: RollbackRequest, requestedAt: string | undefined) {
    const done = await findRollbackOf(request.commit);
    if (done) return { commit: done.commit, alreadyRolledBack: true, requestedAt: one(done.trailers, "Atlas-Rollback-Requested-At") };
    await checkApplyCommit(request.commit, request);
    const begun = requestedAt ? secondsSince(requestedAt) : null;
    await git("revert", "--no-edit", "--no-commit", request.commit);
    const requested = requestedAt ? `\nAtlas-Rollback-Requested-At: ${requestedAt}` : "";
    const message = `Roll back ${request.planId} v${request.planVersion} (trace ${request.traceId})\n\n${request.reason.trim()}\n\nRolled-back-by: ${request.by}\nReverts: ${request.commit}\n${trailers("rollback", request)}${requested}`;
    await git("commit", "-q", "--allow-empty", "-m", message);
    // reported once the commit exists: a revert that failed half-way is begun again by its retry
    if (begun !== null) options.rollbackObserver?.begun(begun);
    return { commit: await git("rev-parse", "HEAD"), alreadyRolledBack: false, requestedAt };
  }

  /** Opens (or finds) the review of a pushed branch; null without a review host. */
  async function review(pushed: PushedBranch | null, text: { title: string; body: string }): Promise<Review | null> {
    if (!pushed || !reviews || !remote) return null;
    const opened = await reviews.open({ branch: pushed.remote_branch, base: remote.baseBranch, ...text });
    options.log?.info?.(
      { branch: pushed.remote_branch, review: opened.url, reused: opened.reused },
      opened.reused ? "found the branch's review" : "opened a review",
    );
    return { url: opened.url, number: opened.number };
  }

  return {
    dir: root,
    apply: async (request) => {
      checkRef(request, { approver: request.approver });
      if (request.approverKeyId != null && !SAFE_ID.test(request.approverKeyId))
        throw new AtlasError("VALIDATION_FAILED", `GitOps: approver key id ${JSON.stringify(request.approverKeyId)} is not a plain id`);
      const folder = planFolder(request);
      const local = await serial(async () => {
        const made = await commitApply(request, folder);
        if (!remote) return { ...made, pushed: null };
        const branch = remote.branchName(request);
        const { pushed, alreadyPushed } = await remote.pushFolder({ localCommit: made.commit, folder, branch, isOurs: (t) => isApplyOf(t, request) });
        if (!alreadyPushed) options.log?.info?.({ branch, commit: pushed.commit }, "pushed the apply to its branch");
        return { ...made, pushed };
      });
      const text = local.pushed ? applyReviewText({ ...request, commit: local.pushed.commit }) : null;
      return {
        commit: local.commit,
        path: folder,
        alreadyApplied: local.alreadyApplied,
        pushed: local.pushed,
        review: text ? await review(local.pushed, text) : null,
      };
    },
    rollback: async (request) => {
      checkRef(request, { by: request.by }, request.reason);
      if (!/^[0-9a-f]{40,64}$/.test(request.commit)) throw new AtlasError("VALIDATION_FAILED", `GitOps: ${JSON.stringify(request.commit)} is not a commit id`);
      const requestedAt = requestTime(request.requestedAt);
      const local = await serial(async () => {
        const made = await commitRollback(request, requestedAt);
        if (!remote) {
          // without a remote the hand-off is the revert commit itself
          if (!made.alreadyRolledBack && made.requestedAt) options.rollbackObserver?.handedOff(secondsSince(made.requestedAt));
          return { ...made, pushed: null };
        }
        const branch = remote.branchName(request, "rollback");
        const { pushed, alreadyPushed } = await remote.pushFolder({
          localCommit: made.commit,
          folder: planFolder(request),
          branch,
          isOurs: (t) => isRollbackOf(t, request.commit),
        });
        if (!alreadyPushed) {
          options.log?.info?.({ branch, commit: pushed.commit }, "pushed the rollback to its branch");
          if (made.requestedAt) options.rollbackObserver?.handedOff(secondsSince(made.requestedAt));
        }
        return { ...made, pushed };
      });
      const text = local.pushed ? rollbackReviewText({ ...request, reverts: request.commit, commit: local.pushed.commit }) : null;
      return { commit: local.commit, alreadyRolledBack: local.alreadyRolledBack, pushed: local.pushed, review: text ? await review(local.pushed, text) : null };
    },
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
