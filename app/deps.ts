import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { makeBus } from "../bus/index.js";
import { closeRedis, makeRedis, waitForRedis } from "../bus/redis/client.js";
import { redisKeys } from "../bus/redis/keys.js";
import { type ArtifactStore, makeArtifactStore } from "../graph/artifact-store.js";
import { buildPlanningGraph } from "../graph/build.js";
import type { Config } from "../lib/config.js";
import { LOCK_KEYS, withAdvisoryLock } from "../lib/db/advisory-lock.js";
import { type Database, openDatabase } from "../lib/db/database.js";
import { migrate } from "../lib/db/migrate.js";
import { type GitopsWorkspace, makeGitopsWorkspace } from "../lib/gitops.js";
import type { Logger } from "../lib/log.js";
import { makeMetrics, tenantLabelMode } from "../lib/metrics/index.js";
import { TokenCallback } from "../lib/metrics/token-callback.js";
import { loadSigner, type Signer } from "../lib/signing.js";
import { loadOrgPolicy } from "../policies/org-policy.js";
import type { Embedder } from "../rag/embedder.js";
import { makeRunbookSearch, makeRunbookSections, type RunbookSearch } from "../rag/search.js";
import { makeBackgroundRuns } from "../runs/background.js";
import { makeRunDriver } from "../runs/driver.js";
import { makePlatformRunRegistry } from "../runs/platform/registry.js";
import { makePlatformApi } from "../runs/platform/service.js";
import { makeRunQueue } from "../runs/queue/index.js";
import { makeRecovery } from "../runs/recovery.js";
import { makeRunRegistry } from "../runs/registry.js";
import { makePlanService } from "../runs/service.js";
import type { ServerDeps } from "../server/deps.js";
import { makeAuditLog } from "../tenants/audit.js";
import { localCounters, redisCounters } from "../tenants/budget/counters.js";
import { makeBudgetLimits } from "../tenants/budget/limits.js";
import { makeTokenBudget } from "../tenants/budget/token-budget.js";
import { modelChainFromConfig } from "./models.js";

/**
 * Everything Atlas's parts need, built once at start-up and passed in: the server, the CLIs
 * and the LangGraph entry all take a `Deps`. Nothing below reaches for globals.
 */
export interface Deps extends ServerDeps {
  gitops: GitopsWorkspace;
  /** the builder's files by SHA-256 (graph/artifact-store.ts) */
  artifactStore: ArtifactStore;
  /** signs build digests; the key apply verifies with (ATLAS_SIGNING_KEY_FILE, shared by replicas) */
  signer: Signer;
  close(): Promise<void>;
}

export interface BuildDepsOverrides {
  db?: Database;
  /** the architect's model fallback chain; default from config */
  models?: ServerDeps["models"];
  embedder?: Embedder | null;
  /** replaces runbook search (e.g. on a Postgres without pgvector in tests) */
  search?: RunbookSearch;
  /** migrations to apply; default all (the runbook store needs pgvector) */
  migrations?: Parameters<typeof migrate>[1];
  clock?: () => Date;
  /** the artifact signer; default: the key in config.signingKeyFile (created when missing) */
  signer?: Signer;
}

/** This process's name among the replicas: host, pid and a random part (pids repeat across containers). */
const newReplicaId = () => `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

/**
 * Opens the database (embedded unless DATABASE_URL is set), applies migrations and wires
 * everything else on it. Overrides let tests pass their own parts.
 */
export async function buildDeps(config: Config, log: Logger, overrides: BuildDepsOverrides = {}): Promise<Deps> {
  // before the database: a key file that cannot be read or made stops start-up with nothing to close
  const signer = overrides.signer ?? (await loadSigner(config.signingKeyFile));
  const db = overrides.db ?? (await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir, log }));
  try {
    const applied = await migrate(db.pool, overrides.migrations);
    if (applied.length) log.info({ applied }, "applied database migrations");
    // LangGraph's checkpoint tables, on the same pool as everything else. Its setup is not safe
    // for two processes at once (replicas starting together), hence the lock.
    await withAdvisoryLock(db, LOCK_KEYS.checkpointSetup, () => new PostgresSaver(db.pool).setup());
  } catch (error) {
    await db.close();
    throw error;
  }
  const pool = db.pool;
  const clock = overrides.clock ?? (() => new Date());
  const replica = newReplicaId();
  const models = overrides.models ?? (await modelChainFromConfig(config));
  const embedder =
    overrides.embedder !== undefined
      ? overrides.embedder
      : config.OPENAI_API_KEY
        ? (await import("../rag/embedder.js")).makeOpenAIEmbedder({
            apiKey: config.OPENAI_API_KEY,
            model: config.EMBEDDING_MODEL,
            baseUrl: config.OPENAI_BASE_URL,
          })
        : null;

  // What replicas share: on Redis when REDIS_URL is set (waited for briefly; if it is down Atlas
  // starts degraded: events wait in the outbox, counters are per process, background runs are
  // refused), in-process equivalents otherwise.
  // connections are named after the replica, so `CLIENT LIST` tells an operator who holds which
  const redis = config.REDIS_URL ? makeRedis(config.REDIS_URL, log, { name: `atlas:${replica}`, requestTimeoutMs: config.REDIS_REQUEST_TIMEOUT_MS }) : null;
  if (redis && !(await waitForRedis(redis))) log.warn("Redis (REDIS_URL) is unreachable at start-up; running degraded until it answers");
  const keys = redisKeys(config.REDIS_KEY_PREFIX);
  const queue = makeRunQueue(redis, keys, { claimIdleMs: config.STREAM_CLAIM_IDLE_MS, log, clock });
  const tokenBudget = makeTokenBudget({
    limits: makeBudgetLimits(pool, { per_run: config.TOKEN_BUDGET_PER_RUN, daily: config.DAILY_TOKEN_BUDGET }, clock),
    counters: redis ? redisCounters(redis, keys, log, clock) : localCounters(clock),
    clock,
    log,
  });
  const runs = makeRunRegistry(pool, { staleClaimSeconds: config.STALE_CLAIM_SECONDS });
  // the cluster-wide gauges read these on every scrape (late-bound, so a test may swap a source)
  const metrics = makeMetrics({
    log,
    tenantLabel: tenantLabelMode(config),
    sources: { runs: () => runs.countByStatus(), queue: () => queue.stats(), budgets: () => tokenBudget.stats() },
  });
  const bus = makeBus({
    pool,
    redis,
    keys,
    log,
    clock,
    replica,
    onDeadLetter: (type) => metrics.recordDeadLetter(type),
    stream: { claimIdleMs: config.STREAM_CLAIM_IDLE_MS, pollMs: config.OUTBOX_POLL_MS, maxLen: config.EVENT_STREAM_MAXLEN },
  });
  const { events, control } = bus;
  control.on("set_budget", (message) => tokenBudget.setLimits(message.tenant, { per_run: message.per_run, daily: message.daily }, message.from));
  control.on("flush_cache", () => tokenBudget.flush());

  const search = metrics.timeRetrieval(
    overrides.search ??
      makeRunbookSearch({
        pool,
        embedder,
        defaults: { top_k: config.RAG_TOP_K, threshold: config.RAG_RELEVANCY_THRESHOLD, collapse_by_file: config.RAG_COLLAPSE_BY_FILE },
      }),
  );
  // Beside a replaced search (no pgvector), there is no runbook store to read sections from.
  const runbookSections = overrides.search ? undefined : makeRunbookSections(pool);
  const gitops = makeGitopsWorkspace(config.gitopsDir, {
    lock: (fn) => withAdvisoryLock(db, LOCK_KEYS.gitops, fn),
    log,
    remote: config.gitopsRemote,
    clock,
    rollbackObserver: { begun: (seconds) => metrics.recordRollback("begin", seconds), handedOff: (seconds) => metrics.recordRollback("end", seconds) },
  });
  const orgPolicy = config.ATLAS_POLICY_DIR ? await loadOrgPolicy(config.ATLAS_POLICY_DIR) : undefined;
  const artifactStore = makeArtifactStore(pool);
  const graph = buildPlanningGraph({ search, models, events, gitops, artifactStore, signer, clock, log, orgPolicy, tokenBudget }, new PostgresSaver(pool));
  const driver = makeRunDriver({
    graph,
    runs,
    owner: replica,
    observer: {
      log,
      runStopped: ({ status, seconds }) => metrics.recordRun(status, seconds),
      callbacks: (run) => [new TokenCallback((model, tokens) => metrics.recordTokens(run.tenant, model, tokens))],
    },
  });

  const background = makeBackgroundRuns(driver, { queue, log, clock });
  const planner = makePlanService(driver, artifactStore);
  const platform = makePlatformApi({
    driver,
    planner,
    background,
    platformRuns: makePlatformRunRegistry(pool),
    events,
    pool,
    audit: makeAuditLog(pool),
    log,
  });

  return {
    config,
    db,
    log,
    clock,
    replica,
    redis,
    models,
    embedder,
    search,
    runbookSections,
    events,
    control,
    queue,
    tokenBudget,
    gitops,
    orgPolicy,
    artifactStore,
    signer,
    planner,
    platform,
    background,
    recovery: makeRecovery(driver, background, { events, log, clock }),
    metrics,
    close: async () => {
      await bus.close();
      if (redis) closeRedis(redis);
      await db.close();
    },
  };
}
