import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { processEnv } from "../config.js";
import { AtlasError } from "../errors.js";
import { commitsWithTrailers, TRAILER_LOG_FORMAT, type Trailers } from "./trailers.js";

const run = promisify(execFile);

/** The Git hosts Atlas opens reviews on. */
export type ReviewProvider = "github" | "gitlab";

/** Where approved changes are handed off (config's GITOPS_* settings, see lib/config.ts). */
export interface GitopsRemoteSettings {
  /** any git remote: https://, ssh://, user@host:path or a local path */
  url: string;
  /** the branch pushed branches start from and reviews target */
  baseBranch: string;
  /** put before `<tenant>/<plan id>/v<version>` to name a pushed branch */
  branchPrefix: string;
  /** with a token: a pull request (GitHub) or merge request (GitLab) per pushed branch; null: push only */
  review: { provider: ReviewProvider; token: string; apiUrl: string; repository: string } | null;
}

/** A branch Atlas pushed and the commit at which it holds the change. */
export interface PushedBranch {
  remote_branch: string;
  commit: string;
}

/** Longest a fetch or push may take before it counts as failed (a remote that hangs must not hold the workspace lock). */
const REMOTE_TIMEOUT_MS = 120_000;
/** Scratch refs the remote's branches are fetched into; never pushed, never checked out. */
const BASE_REF = "refs/atlas/remote/base";
const BRANCH_REF = "refs/atlas/remote/branch";
const GIT_IDENTITY = ["-c", "user.name=Atlas", "-c", "user.email=atlas@localhost", "-c", "commit.gpgsign=false"];

/**
 * Hides secrets in text that may reach a log or an error: credentials written into a URL
 * (`https://user:secret@host`) and each of `secrets` wherever it appears.
 */
export function redact(text: string, secrets: string[]): string {
  let out = text.replace(/\/\/[^/\s@]*@/g, "//***@");
  for (const secret of secrets) if (secret) out = out.split(secret).join("***");
  return out;
}

/**
 * Git's HTTP credentials for the token, as configuration in the environment (GIT_CONFIG_COUNT):
 * never in the URL (git prints URLs in its messages) nor in the arguments (visible to `ps`).
 * Only for http(s) remotes; ssh and local paths use git's own credentials.
 */
function httpAuth(settings: GitopsRemoteSettings): { env: Record<string, string>; secrets: string[] } {
  const token = settings.review?.token;
  if (!token || !/^https?:\/\//i.test(settings.url)) return { env: {}, secrets: token ? [token] : [] };
  const user = settings.review?.provider === "gitlab" ? "oauth2" : "x-access-token";
  const basic = Buffer.from(`${user}:${token}`).toString("base64");
  return {
    env: { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` },
    secrets: [token, basic],
  };
}

/** The last few lines of git's complaint: where it says what went wrong. */
const lastLines = (text: string) => text.trim().split("\n").slice(-3).join(" / ");

/** What to push: a folder as a local commit has it, on top of the remote's base branch. */
export interface FolderPush {
  /** the workspace commit whose folder is pushed, and whose message the pushed commit carries */
  localCommit: string;
  folder: string;
  branch: string;
  /** recognises this change's commit on the branch (by its trailers), so a re-run does not push twice */
  isOurs(trailers: Trailers): boolean;
}

/**
 * The remote side of a GitOps workspace in `root`. Pushed commits are made on the remote's base
 * branch as fetched just before (not on the workspace's own history, which holds every plan):
 * each branch carries exactly one change, and a remote that moved on only changes the parent.
 * Call it under the workspace's lock: it uses scratch refs and a scratch index in `.git`.
 */
export function makeRemote(root: string, settings: GitopsRemoteSettings) {
  const auth = httpAuth(settings);
  const env = (extra: Record<string, string>) => ({ ...processEnv(), GIT_TERMINAL_PROMPT: "0", ...extra });

  const local = async (args: string[], extra: Record<string, string> = {}) =>
    (await run("git", [...GIT_IDENTITY, ...args], { cwd: root, env: env(extra), maxBuffer: 64 << 20 })).stdout.trim();

  /** A git command that talks to the remote; a failure says what was attempted, with secrets hidden and no command line. */
  async function remote(what: string, args: string[]): Promise<string> {
    try {
      return (await run("git", [...GIT_IDENTITY, ...args], { cwd: root, env: env(auth.env), maxBuffer: 64 << 20, timeout: REMOTE_TIMEOUT_MS })).stdout.trim();
    } catch (error) {
      const failure = error as { stderr?: string; killed?: boolean; message?: string };
      const said = failure.killed ? `no answer within ${REMOTE_TIMEOUT_MS / 1000} s` : lastLines(failure.stderr ?? "") || "git failed";
      // no `cause`: the child-process error carries the full command line, URL included
      throw new AtlasError("UPSTREAM_FAILED", `GitOps remote: ${what} failed: ${redact(said, auth.secrets)}`);
    }
  }

  /** A commit on the fetched base whose tree is the base's with `folder` as `localCommit` has it (absent if it has none). */
  async function commitOnBase(push: FolderPush): Promise<string> {
    const index = join(root, ".git", "atlas-push-index");
    const scratch = { GIT_INDEX_FILE: index };
    await rm(index, { force: true });
    try {
      await local(["read-tree", BASE_REF], scratch);
      await local(["rm", "-r", "-q", "-f", "--cached", "--ignore-unmatch", "--", push.folder], scratch);
      const hasFolder = await local(["rev-parse", "-q", "--verify", `${push.localCommit}:${push.folder}`]).then(
        () => true,
        () => false,
      );
      if (hasFolder) await local(["read-tree", `--prefix=${push.folder}/`, `${push.localCommit}:${push.folder}`], scratch);
      const tree = await local(["write-tree"], scratch);
      const message = await local(["log", "-1", "--format=%B", push.localCommit]);
      return await local(["commit-tree", tree, "-p", BASE_REF, "-m", message]);
    } finally {
      await rm(index, { force: true });
    }
  }

  return {
    baseBranch: settings.baseBranch,

    /** The branch of one change: `<prefix><tenant>/<plan id>/v<version>`, plus `-<suffix>` (e.g. `-rollback`). */
    branchName(ref: { tenant: string; planId: string; planVersion: number }, suffix = ""): string {
      return `${settings.branchPrefix}${ref.tenant}/${ref.planId}/v${ref.planVersion}${suffix ? `-${suffix}` : ""}`;
    },

    /**
     * Pushes `push.folder` to `push.branch`, based on the remote's base branch (fetched first).
     * When the branch is already on the remote holding this change's commit (a re-run after a
     * crash or a failed review call), that commit is returned and nothing is pushed. A branch
     * holding something else is refused, never overwritten.
     */
    async pushFolder(push: FolderPush): Promise<{ pushed: PushedBranch; alreadyPushed: boolean }> {
      await local(["check-ref-format", `refs/heads/${push.branch}`]).catch(() => {
        throw new AtlasError("VALIDATION_FAILED", `GitOps remote: ${JSON.stringify(push.branch)} is not a valid branch name`);
      });
      const base = settings.baseBranch;
      await remote(`fetching base branch ${base} from the remote`, ["fetch", "--no-tags", "-q", settings.url, `+refs/heads/${base}:${BASE_REF}`]);
      const listed = await remote(`looking for branch ${push.branch} on the remote`, ["ls-remote", "--heads", settings.url, `refs/heads/${push.branch}`]);
      if (listed.split("\n").some((line) => line.endsWith(`\trefs/heads/${push.branch}`))) {
        await remote(`fetching branch ${push.branch}`, ["fetch", "--no-tags", "-q", settings.url, `+refs/heads/${push.branch}:${BRANCH_REF}`]);
        const found = commitsWithTrailers(await local(["log", "-n", "200", TRAILER_LOG_FORMAT, BRANCH_REF, "--"])).find((entry) => push.isOurs(entry.trailers));
        if (found) return { pushed: { remote_branch: push.branch, commit: found.commit }, alreadyPushed: true };
        throw new AtlasError(
          "UPSTREAM_FAILED",
          `GitOps remote: branch ${push.branch} already exists on the remote without this change's Atlas commit; delete or rename it, then retry`,
        );
      }
      const commit = await commitOnBase(push);
      await remote(`pushing branch ${push.branch}`, ["push", "-q", settings.url, `${commit}:refs/heads/${push.branch}`]);
      return { pushed: { remote_branch: push.branch, commit }, alreadyPushed: false };
    },

    /** Hides the token (and URL credentials) in text bound for a log or an error. */
    redact: (text: string) => redact(text, auth.secrets),
  };
}

export type GitopsRemote = ReturnType<typeof makeRemote>;
