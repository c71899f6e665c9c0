import type { Redis } from "ioredis";
import type { ControlBus } from "../bus/control.js";
import type { EventBus } from "../bus/events.js";
import type { NamedModel } from "../graph/deps.js";
import type { Config } from "../lib/config.js";
import type { Database } from "../lib/db/database.js";
import type { Logger } from "../lib/log.js";
import type { AtlasMetrics } from "../lib/metrics/index.js";
import type { Signer } from "../lib/signing.js";
import type { OrgPolicy } from "../policies/org-policy-schema.js";
import type { Embedder } from "../rag/embedder.js";
import type { RunbookSearch, RunbookSections } from "../rag/search.js";
import type { BackgroundRuns } from "../runs/background.js";
import type { PlatformApi } from "../runs/platform/service.js";
import type { RunQueue } from "../runs/queue/job.js";
import type { Recovery } from "../runs/recovery.js";
import type { PlanService } from "../runs/service.js";
import type { TokenBudget } from "../tenants/budget/token-budget.js";

/**
 * What the HTTP server needs, built by the caller (`app/deps.ts` at start-up, a test's own
 * parts in tests) and passed to `buildServer`. The server reaches for nothing else.
 */
export interface ServerDeps {
  config: Config;
  db: Database;
  log: Logger;
  clock: () => Date;
  /** this process's name among the replicas (claims, consumer names, control messages) */
  replica: string;
  /** Redis (REDIS_URL), or null: then events, queue and counters are in-process */
  redis: Redis | null;
  /** the architect's model fallback chain (OPENAI_MODEL, then OPENAI_FALLBACK_MODELS); empty without a key */
  models: NamedModel[];
  /** dense embeddings (OPENAI_API_KEY), or null: lexical retrieval only */
  embedder: Embedder | null;
  search: RunbookSearch;
  /** every section of one runbook (advice quotes the best runbook's fix); absent where the runbook store is */
  runbookSections?: RunbookSections | undefined;
  events: EventBus;
  /** control messages: heartbeat, flush_cache, set_budget */
  control: ControlBus;
  /** the background-run queue (`<prefix>runs` stream, or in process) */
  queue: RunQueue;
  /** per-run and daily token budgets per tenant */
  tokenBudget: TokenBudget;
  /** organisation policy from ATLAS_POLICY_DIR, used by every validation */
  orgPolicy: OrgPolicy | undefined;
  /** signs build digests (ATLAS_SIGNING_KEY_FILE): the graph's builder and POST /architect/build */
  signer: Signer;
  /** starts, resumes and rolls back planning runs in the caller's request */
  planner: PlanService;
  /** the LangGraph Platform API's threads and runs (server/routes/platform/) */
  platform: PlatformApi;
  /** background runs: submit to the queue, and what a worker does with a job */
  background: BackgroundRuns;
  /** takes over what dead runners left: stale claims, queued runs whose job may be lost */
  recovery: Recovery;
  /** Prometheus metrics on this process's own registry (`GET /metrics`) */
  metrics: AtlasMetrics;
}
