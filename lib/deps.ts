import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatOpenAI } from "@langchain/openai";
import type pg from "pg";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { buildPlanningGraph } from "../graph/build.js";
import { makeRunRegistry } from "../graph/runs.js";
import { makePlanService, type PlanService } from "../graph/service.js";
import type { Redis } from "ioredis";
import type { TokenBudget } from "./budget/token-budget.js";
import type { Config } from "./config.js";
import type { ControlBus } from "./control.js";
import { buildCoordination } from "./coordination.js";
import type { EventBus } from "./events.js";
import type { RunQueue } from "./queue/job.js";
import { type GitopsWorkspace, makeGitopsWorkspace } from "./gitops.js";
import type { NamedModel } from "../nodes/architect/model.js";
import { loadOrgPolicy } from "../policies/org-policy.js";
import type { OrgPolicy } from "../policies/org-policy-schema.js";
import { type Database, openDatabase } from "./db/database.js";
import { migrate } from "./db/migrate.js";
import type { Logger } from "./log.js";
import { type AtlasMetrics, makeMetrics, runStatsFromPool } from "./metrics/index.js";
import { TokenCallback } from "./metrics/token-callback.js";
import { type Embedder, makeOpenAIEmbedder } from "../rag/embedder.js";
import { makeRunbookSearch, type RunbookSearch } from "../rag/search.js";

/**
 * Everything Atlas's parts need, built once at start-up and passed in: the graph, the
 * server and the CLIs all take a `Deps`. Nothing below reaches for globals.
 */
export interface Deps {
  config: Config;
  db: Database;
  pool: pg.Pool;
  /** Chat model, or null when no API key is configured (deterministic mode). */
  llm: BaseChatModel | null;
  /** the architect's model fallback chain (OPENAI_MODEL, then OPENAI_FALLBACK_MODELS); empty without a key */
  models: NamedModel[];
  embedder: Embedder | null;
  search: RunbookSearch;
  events: EventBus;
  /** Redis (REDIS_URL), or null: then events, queue and counters are in-process */
  redis: Redis | null;
  /** the background-run queue (`<prefix>runs` stream, or in process) */
  queue: RunQueue;
  /** control messages: heartbeat, flush_cache, set_budget */
  control: ControlBus;
  /** per-run and daily token budgets per tenant */
  tokenBudget: TokenBudget;
  gitops: GitopsWorkspace;
  /** organisation policy from ATLAS_POLICY_DIR, used by every validation */
  orgPolicy: OrgPolicy | undefined;
  /** starts, resumes and rolls back planning runs on the checkpointed graph */
  planner: PlanService;
  log: Logger;
  /** Prometheus metrics on this process's own registry (`GET /metrics`) */
  metrics: AtlasMetrics;
  clock: () => Date;
  close(): Promise<void>;
}

export interface BuildDepsOverrides {
  db?: Database;
  llm?: BaseChatModel | null;
  /** the architect's model fallback chain; default from config */
  models?: NamedModel[];
  embedder?: Embedder | null;
  /** replaces runbook search (e.g. on a Postgres without pgvector in tests) */
  search?: RunbookSearch;
  /** migrations to apply; default all (the runbook store needs pgvector) */
  migrations?: Parameters<typeof migrate>[1];
  clock?: () => Date;
}

/** Arbitrary constant keys of advisory locks taken here (7_142_001..003 are migrations, ingest, bootstrap). */
const CHECKPOINT_SETUP_LOCK_KEY = 7_142_004;
const GITOPS_LOCK_KEY = 7_142_005;

/**
 * Runs `fn` holding a session advisory lock on an external Postgres, so replicas take turns.
 * The embedded database serves one process (and has one connection, which `fn` may need).
 */
async function withAdvisoryLock<T>(db: Database, key: number, fn: () => Promise<T>): Promise<T> {
  if (db.kind === "embedded") return fn();
  const client = await db.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("select pg_advisory_lock($1)", [key]);
    return await fn();
  } finally {
    // a connection that could not unlock is destroyed, which drops the lock with it
    await client.query("select pg_advisory_unlock($1)", [key]).catch((error: Error) => {
      broken = error;
    });
    client.release(broken);
  }
}

/** A chat model on the configured OpenAI-compatible endpoint. */
function chatModel(config: Config & { OPENAI_API_KEY: string }, name: string): BaseChatModel {
  return new ChatOpenAI({
    apiKey: config.OPENAI_API_KEY,
    model: name,
    // reasoning models (o1, o3, ...) accept only their default temperature
    ...(/^o\d/.test(name) ? {} : { temperature: 0 }),
    maxRetries: config.OPENAI_MAX_RETRIES,
    configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : undefined,
  });
}

/** The chat model for the configured OpenAI-compatible endpoint, or null without a key. */
export function chatModelFromConfig(config: Config): BaseChatModel | null {
  return config.OPENAI_API_KEY ? chatModel({ ...config, OPENAI_API_KEY: config.OPENAI_API_KEY }, config.OPENAI_MODEL) : null;
}

/** OPENAI_MODEL then each OPENAI_FALLBACK_MODELS entry; empty without a key. */
export function modelChainFromConfig(config: Config): NamedModel[] {
  const key = config.OPENAI_API_KEY;
  if (!key) return [];
  return [config.OPENAI_MODEL, ...config.OPENAI_FALLBACK_MODELS.filter((name) => name !== config.OPENAI_MODEL)].map((name) => ({
    name,
    model: chatModel({ ...config, OPENAI_API_KEY: key }, name),
  }));
}

/**
 * Opens the database (embedded unless DATABASE_URL is set), applies migrations and wires
 * the model, embedder and search. Overrides let tests pass their own parts.
 */
export async function buildDeps(config: Config, log: Logger, overrides: BuildDepsOverrides = {}): Promise<Deps> {
  const db = overrides.db ?? (await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir }));
  try {
    const applied = await migrate(db.pool, overrides.migrations);
    if (applied.length) log.info({ applied }, "applied database migrations");
    // LangGraph's checkpoint tables, on the same pool as everything else. Its setup is not safe
    // for two processes at once (replicas starting together), hence the lock.
    await withAdvisoryLock(db, CHECKPOINT_SETUP_LOCK_KEY, () => new PostgresSaver(db.pool).setup());
  } catch (error) {
    await db.close();
    throw error;
  }
  const embedder =
    overrides.embedder !== undefined
      ? overrides.embedder
      : config.OPENAI_API_KEY
        ? makeOpenAIEmbedder({ apiKey: config.OPENAI_API_KEY, model: config.EMBEDDING_MODEL, baseUrl: config.OPENAI_BASE_URL })
        : null;
  const metrics = makeMetrics();
  metrics.setLogger(log);
  metrics.setRunStats(runStatsFromPool(db.pool));
  const rawSearch = overrides.search ?? makeRunbookSearch({
    pool: db.pool,
    embedder,
    defaults: {
      top_k: config.RAG_TOP_K,
      threshold: config.RAG_RELEVANCY_THRESHOLD,
      collapse_by_file: config.RAG_COLLAPSE_BY_FILE,
    },
  });
  const search = metrics.timeSearch(rawSearch);
  const llm = overrides.llm !== undefined ? overrides.llm : chatModelFromConfig(config);
  const clock = overrides.clock ?? (() => new Date());
  const coordination = await buildCoordination(config, { pool: db.pool, log, clock, onDeadLetter: (type) => metrics.recordDeadLetter(type) });
  const { events, queue, control, tokenBudget } = coordination;
  metrics.setQueueStats(() => queue.stats());
  metrics.setBudgetStats(() => tokenBudget.stats());
  const gitops = makeGitopsWorkspace(config.gitopsDir, { lock: (fn) => withAdvisoryLock(db, GITOPS_LOCK_KEY, fn) });
  const orgPolicy = config.ATLAS_POLICY_DIR ? await loadOrgPolicy(config.ATLAS_POLICY_DIR) : undefined;
  const models = overrides.models ?? modelChainFromConfig(config);
  const graph = buildPlanningGraph({ search, models, events, gitops, clock, log, orgPolicy, tokenBudget }, new PostgresSaver(db.pool));
  return {
    config,
    db,
    pool: db.pool,
    llm,
    models,
    embedder,
    search,
    events,
    redis: coordination.redis,
    queue,
    control,
    tokenBudget,
    gitops,
    orgPolicy,
    planner: makePlanService(graph, makeRunRegistry(db.pool, { staleClaimSeconds: config.STALE_CLAIM_SECONDS }), undefined, {
      log,
      runStopped: ({ status, seconds }) => metrics.recordRun(status, seconds),
      callbacks: (run) => [new TokenCallback((model, tokens) => metrics.recordTokens(run.tenant, model, tokens))],
    }),
    log,
    metrics,
    clock,
    close: async () => {
      await coordination.close();
      await db.close();
    },
  };
}
