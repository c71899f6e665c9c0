import { resolve } from "node:path";
import { z } from "zod";

const booleanFromEnv = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((value) => value === "true" || value === "1" || value === "yes");

/**
 * Every setting Atlas reads from the environment. This module is the only reader of
 * `process.env`; `.env.example` mirrors it section by section.
 */
export const configSchema = z.object({
  // --- server ---
  /** TCP port the HTTP server listens on. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  /** Interface to bind; loopback by default so a fresh start is not exposed. */
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Largest accepted request body, in bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Time a client has to send a request's headers, in ms; a slower one gets 408 and is disconnected. At most REQUEST_TIMEOUT_MS. */
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Time a client has to send a whole request (headers and body), in ms. Only receiving is timed: a long answer (a plan stream) is never cut. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** How long an idle keep-alive connection stays open, in ms; keep it above a load balancer's idle timeout (AWS ALB: 60 s). */
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(72_000),
  /** On SIGTERM/SIGINT, how long in-flight requests and background runs in hand may finish before they are cut, in ms; the process exits at most 5 s later. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),

  // --- security ---
  /** API keys required (`on`). `off` is for local experiments only: every request acts as admin of tenant default. */
  ATLAS_AUTH: z.enum(["on", "off"]).default("on"),
  /** Requests per API key per minute (fixed window; shared through Redis when REDIS_URL is set); 0 disables. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(120),
  /** Browser origins allowed to call the API (comma-separated, e.g. `https://ops.example.com`; `*` for any). Default: none. */
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((value, ctx) => {
      const origins = value
        .split(",")
        .map((part) => part.trim().replace(/\/$/, ""))
        .filter(Boolean);
      for (const origin of origins) {
        if (origin !== "*" && !/^https?:\/\/[^/\s]+$/.test(origin)) {
          ctx.addIssue({ code: "custom", message: `"${origin}" is not an origin like https://ops.example.com` });
          return z.NEVER;
        }
      }
      return origins;
    }),
  /** `strict-transport-security` max-age in seconds, sent only when above 0 (set it when TLS terminates in front of Atlas). */
  HSTS_MAX_AGE: z.coerce.number().int().min(0).default(0),

  // --- storage ---
  /** Folder for embedded data (PGlite data directory, keys, GitOps workspace). */
  ATLAS_DATA_DIR: z.string().min(1).default(".atlas"),
  /** Postgres with pgvector. Unset: embedded PGlite in $ATLAS_DATA_DIR/pgdata. */
  DATABASE_URL: z.string().url().optional(),
  /** Git repository approved artifacts are committed to. Default: $ATLAS_DATA_DIR/gitops. */
  ATLAS_GITOPS_DIR: z.string().min(1).optional(),
  /**
   * Ed25519 private key (PKCS#8 PEM) that signs every build's artifact digest; created (mode 0600)
   * at first start when missing. Replicas of one deployment must share it (mount the same file or
   * secret): a replica holding another key refuses to apply. Default: $ATLAS_DATA_DIR/signing-key.pem.
   */
  ATLAS_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** Folder of organisation policies (YAML) that tune the validator's rules. */
  ATLAS_POLICY_DIR: z.string().min(1).optional(),
  /** Folder of runbooks ingested at start-up when the store is empty; `off` disables it. */
  ATLAS_SEED_DOCS: z.string().default("docs"),

  // --- GitOps hand-off ---
  /** Git remote each approved change (and each rollback) is pushed to, on its own branch; any URL git takes. Unset: commits stay in the local workspace. */
  GITOPS_REMOTE_URL: z.string().min(1).optional(),
  /** The remote's branch pushed branches start from and reviews target. */
  GITOPS_BASE_BRANCH: z.string().min(1).default("main"),
  /** Put before `<tenant>/<plan id>/v<version>` to name a pushed branch. */
  GITOPS_BRANCH_PREFIX: z.string().default("atlas/"),
  /** Host to open a pull request (`github`) or merge request (`gitlab`) on for each pushed branch; needs GITOPS_TOKEN. */
  GITOPS_PROVIDER: z.enum(["github", "gitlab"]).optional(),
  /** Token for the review host's API, also sent to an https remote as git's credentials; needs GITOPS_PROVIDER. */
  GITOPS_TOKEN: z.string().min(1).optional(),
  /** The review host's API. Default: https://api.github.com or https://gitlab.com/api/v4, by GITOPS_PROVIDER. */
  GITOPS_API_URL: z.string().url().optional(),
  /** The repository reviews are opened in: `owner/name` on GitHub; the project's id or path (`group/project`) on GitLab. */
  GITOPS_REPOSITORY: z.string().min(1).optional(),

  // --- redis ---
  /** Redis for events, queue, locks and counters. Unset: in-process equivalents. */
  REDIS_URL: z.string().url().optional(),
  /** Prefix of every Redis key and stream (`<prefix>events`, `<prefix>runs`, `<prefix>control`, ...). */
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default("atlas:"),
  /** Longest a request waits for Redis, in ms (rate limits, token counters, background submit, control messages, readiness); then it goes on as with Redis down. */
  REDIS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  /** Background-run workers in this process (consumer group `atlas-workers`); 0: this replica only serves requests. */
  RUN_WORKERS: z.coerce.number().int().min(0).max(32).default(1),
  /** A run claim not renewed for this many seconds belongs to a process that died; another takes the run over. */
  STALE_CLAIM_SECONDS: z.coerce.number().positive().max(86_400).default(60),
  /** Stream entries (run jobs, events) pending this long without an ack are claimed by another consumer (XAUTOCLAIM). */
  STREAM_CLAIM_IDLE_MS: z.coerce.number().int().min(50).default(30_000),
  /** How often the outbox relay looks for events still to be added to the Redis stream. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  /** Approximate length the event stream is trimmed to (XADD MAXLEN ~); Postgres keeps every event. */
  EVENT_STREAM_MAXLEN: z.coerce.number().int().min(100).default(100_000),

  // --- token budgets ---
  /** Model tokens one run may use; at 100 % the deterministic planner takes over. */
  TOKEN_BUDGET_PER_RUN: z.coerce.number().int().positive().default(12_000),
  /** Model tokens a tenant may use per UTC day; `budget.warning` at 80 %. */
  DAILY_TOKEN_BUDGET: z.coerce.number().int().positive().default(250_000),

  // --- model ---
  /** OpenAI-compatible API key. Unset: deterministic planner and extractive answers. */
  OPENAI_API_KEY: z.string().min(1).optional(),
  /** Base URL of an OpenAI-compatible API (e.g. a local gateway). */
  OPENAI_BASE_URL: z.string().url().optional(),
  /** Chat model used for planning and grounded answers. */
  OPENAI_MODEL: z.string().min(1).default("gpt-4.1"),
  /** Models tried in order when the main one keeps failing (comma-separated). */
  OPENAI_FALLBACK_MODELS: z
    .string()
    .default("o3,o1-pro")
    .transform((value) =>
      value
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  /** Retries per model call on 429 and 5xx, with exponential backoff. */
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  /** Embedding model; changing it requires `pnpm ingest --reembed`. */
  EMBEDDING_MODEL: z.string().min(1).default("text-embedding-3-small"),

  // --- retrieval ---
  /** Hits returned by retrieval when the caller does not say. */
  RAG_TOP_K: z.coerce.number().int().min(1).max(100).default(15),
  /** Minimum relevance (0..1) a hit needs; below it a hit is dropped. Chosen with `pnpm eval retrieval`. */
  RAG_RELEVANCY_THRESHOLD: z.coerce.number().min(0).max(1).default(0.28),
  /** At most one hit per source file. */
  RAG_COLLAPSE_BY_FILE: booleanFromEnv.default(true),

  // --- observability and Slack ---
  /** `GET /metrics` without authentication (for a scraper on a private network); false: it needs a key. */
  METRICS_PUBLIC: booleanFromEnv.default(true),
  /** Tenant labels on /metrics: `hash` (the first 12 hex digits of the name's SHA-256) or `name`. Unset: `hash` while METRICS_PUBLIC is true, else `name`. */
  METRICS_TENANT_LABEL: z.enum(["hash", "name"]).optional(),
  /** Base URL people reach Atlas at, used in links to plans (Slack). Default: http://HOST:PORT. */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Slack app signing secret; `POST /slack/commands` refuses every request while it is unset. */
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  /** Slack incoming webhook for SLACK_TENANT's approval.requested, apply.done and design.blocked messages. */
  SLACK_WEBHOOK_URL: z.string().url().optional(),
  /** Slack users allowed to approve, as `SLACKID:approver,...` (e.g. `U123:alice,U456:bob`). */
  SLACK_APPROVERS: z
    .string()
    .default("")
    .transform((value, ctx) => {
      const approvers: Record<string, string> = {};
      for (const entry of value
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean)) {
        const match = /^([A-Z0-9]+):(\S.*)$/.exec(entry);
        if (!match?.[1] || !match[2]) {
          ctx.addIssue({ code: "custom", message: `"${entry}" is not SLACKID:approver (e.g. U123:alice)` });
          return z.NEVER;
        }
        approvers[match[1]] = match[2].trim();
      }
      return approvers;
    }),
  /** Tenant whose plans Slack commands act on and whose events the webhook posts. */
  SLACK_TENANT: z.string().min(1).default("default"),

  // --- command-line clients (`pnpm runs`, `pnpm approve`, `pnpm answer`); the server ignores these ---
  /** The server the client commands talk to. Default: http://127.0.0.1:PORT. */
  ATLAS_URL: z.string().url().optional(),
  /** The API key the client commands send. Default: the admin key in $ATLAS_DATA_DIR/admin.key (on the server's machine). */
  ATLAS_API_KEY: z.string().min(1).optional(),
});

export type Config = z.infer<typeof configSchema> & {
  /** Absolute path of ATLAS_DATA_DIR. */
  dataDir: string;
  /** Absolute path of the GitOps workspace. */
  gitopsDir: string;
  /** The GITOPS_* settings checked together; null without GITOPS_REMOTE_URL (local commits only). */
  gitopsRemote: GitopsRemoteConfig | null;
  /** Absolute path of the artifact signing key (ATLAS_SIGNING_KEY_FILE). */
  signingKeyFile: string;
};

/** Where approved changes are pushed and reviewed (the GITOPS_* variables), as the GitOps workspace takes it. */
export interface GitopsRemoteConfig {
  url: string;
  baseBranch: string;
  branchPrefix: string;
  review: { provider: "github" | "gitlab"; token: string; apiUrl: string; repository: string } | null;
}

const DEFAULT_REVIEW_API = { github: "https://api.github.com", gitlab: "https://gitlab.com/api/v4" } as const;
/** What git accepts in a branch name, checked cheaply here (git itself checks again before a push). */
const BRANCH_TEXT = /^(?!\/)(?!.*(?:\.\.|\/\/|@\{|\.lock\/|\/\.))[A-Za-z0-9._/-]*$/;

/**
 * Checks the GITOPS_* variables together and builds the remote settings. Never echoes
 * GITOPS_TOKEN or GITOPS_REMOTE_URL (which may hold credentials) in a message.
 * @returns the settings, or the problems, each naming its variable.
 */
function gitopsRemoteConfig(data: z.infer<typeof configSchema>): { remote: GitopsRemoteConfig | null; problems: string[] } {
  const problems: string[] = [];
  const { GITOPS_REMOTE_URL: url, GITOPS_PROVIDER: provider, GITOPS_TOKEN: token, GITOPS_REPOSITORY: repository } = data;
  if (!url) {
    for (const name of ["GITOPS_PROVIDER", "GITOPS_TOKEN", "GITOPS_API_URL", "GITOPS_REPOSITORY"] as const) {
      if (data[name] !== undefined) problems.push(`${name}: needs GITOPS_REMOTE_URL (the remote branches are pushed to)`);
    }
    return { remote: null, problems };
  }
  if (/\s/.test(url)) problems.push("GITOPS_REMOTE_URL: must not contain spaces");
  if (!BRANCH_TEXT.test(data.GITOPS_BASE_BRANCH) || data.GITOPS_BASE_BRANCH.endsWith("/") || data.GITOPS_BASE_BRANCH.endsWith(".lock"))
    problems.push(`GITOPS_BASE_BRANCH=${JSON.stringify(data.GITOPS_BASE_BRANCH)}: not a branch name`);
  if (!BRANCH_TEXT.test(data.GITOPS_BRANCH_PREFIX))
    problems.push(`GITOPS_BRANCH_PREFIX=${JSON.stringify(data.GITOPS_BRANCH_PREFIX)}: not the start of a branch name`);
  if (provider && !token) problems.push("GITOPS_PROVIDER: needs GITOPS_TOKEN (reviews are opened through the host's API)");
  if (token && !provider) problems.push("GITOPS_TOKEN: needs GITOPS_PROVIDER (github or gitlab), which says what the token is for");
  if (data.GITOPS_API_URL && !provider) problems.push("GITOPS_API_URL: needs GITOPS_PROVIDER");
  if (provider && !repository) problems.push(`GITOPS_REPOSITORY: required with GITOPS_PROVIDER=${provider}`);
  if (provider === "github" && repository && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository))
    problems.push(`GITOPS_REPOSITORY=${JSON.stringify(repository)}: GitHub repositories are owner/name`);
  if (provider === "gitlab" && repository && !/^(\d+|[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+)$/.test(repository))
    problems.push(`GITOPS_REPOSITORY=${JSON.stringify(repository)}: a GitLab project is its numeric id or its path (group/project)`);
  if (problems.length) return { remote: null, problems };
  const review =
    provider && token && repository ? { provider, token, repository, apiUrl: (data.GITOPS_API_URL ?? DEFAULT_REVIEW_API[provider]).replace(/\/+$/, "") } : null;
  return { remote: { url, baseBranch: data.GITOPS_BASE_BRANCH, branchPrefix: data.GITOPS_BRANCH_PREFIX, review }, problems };
}

/**
 * The process's environment, for callers that pass it on to `loadConfig` (the client CLIs take an
 * environment as a parameter, so their tests can hand them another one).
 */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}

/** Thrown when the environment holds a setting that does not parse. */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
}

/**
 * Parses settings from an environment map (`process.env` by default). Empty strings count
 * as unset so `.env` files can leave values blank.
 * @throws ConfigError naming every variable that is wrong and why.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") cleaned[key] = value.trim();
  }
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join(".");
      return `${name}=${JSON.stringify(cleaned[name] ?? "")}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  const gitops = gitopsRemoteConfig(parsed.data);
  if (gitops.problems.length) throw new ConfigError(`Invalid configuration: ${gitops.problems.join("; ")}`);
  const dataDir = resolve(parsed.data.ATLAS_DATA_DIR);
  return {
    ...parsed.data,
    dataDir,
    gitopsRemote: gitops.remote,
    gitopsDir: resolve(parsed.data.ATLAS_GITOPS_DIR ?? `${dataDir}/gitops`),
    signingKeyFile: resolve(parsed.data.ATLAS_SIGNING_KEY_FILE ?? `${dataDir}/signing-key.pem`),
  };
}
