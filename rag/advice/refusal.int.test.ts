import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestPaths } from "../../ingest/ingest.js";
import { loadConfig } from "../../lib/config.js";
import type { Database } from "../../lib/db/database.js";
import { createLogger } from "../../lib/log.js";
import { embeddedTestDatabase } from "../../test/helpers/databases.js";
import { repoRoot } from "../../test/helpers/tmp.js";
import { makeRunbookSearch } from "../search.js";
import { makeAdvisor } from "./index.js";
import { NO_COVERAGE_ANSWER } from "./types.js";

// The real sample runbooks (docs/) at the configured default threshold: what a fresh install answers.
let db: Database;
let advise: ReturnType<typeof makeAdvisor>;

beforeAll(async () => {
  db = await embeddedTestDatabase();
  await ingestPaths({ pool: db.pool, embedder: null }, [`${repoRoot}/docs`]);
  const config = loadConfig({ LOG_LEVEL: "silent" });
  const search = makeRunbookSearch({
    pool: db.pool,
    embedder: null,
    defaults: { top_k: config.RAG_TOP_K, threshold: config.RAG_RELEVANCY_THRESHOLD, collapse_by_file: config.RAG_COLLAPSE_BY_FILE },
  });
  advise = makeAdvisor({ search, llm: null, log: createLogger("silent") });
});

afterAll(async () => {
  await db?.close();
});

describe("advice refuses what the sample runbooks do not cover", () => {
  // Each shares a word with some runbook ("baked", "top", "Kafka"), which used to be enough.
  it.each(["Kafka broker upgrade with MirrorMaker 2", "How do I bake sourdough bread?", "What is the best pizza topping?"])(
    "refuses %j, naming the nearest runbooks without citing them",
    async (question) => {
      const advice = await advise({ question });
      expect(advice.grounded).toBe(false);
      expect(advice.citations).toEqual([]);
      expect(advice.answer.startsWith(NO_COVERAGE_ANSWER)).toBe(true);
      // what the store does hold: titles with their files, e.g. "(docs/security/….md)"
      expect(advice.answer).toMatch(/nearest runbooks in the store, none of them about this question: .+ \(docs\/[a-z-]+\/[a-z0-9-]+\.md\)/);
      expect(advice.answer).not.toMatch(/\[\d+\]/);
    },
  );

  it("refuses a question sharing no word with any runbook, naming nothing", async () => {
    const advice = await advise({ question: "BGP peering on Cisco ASR routers" });
    expect(advice).toEqual({ answer: NO_COVERAGE_ANSWER, citations: [], mode: "extractive", grounded: false });
  });

  it.each([
    ["load balancer returns intermittent 502 bad gateway in front of a node.js service", "networking/alb-5xx-unhealthy-targets.md"],
    ["read replica falls behind its primary and users see stale data", "databases/postgres-replica-lag.md"],
  ])("still answers %j from its runbook", async (question, source) => {
    const advice = await advise({ question });
    expect(advice.grounded).toBe(true);
    expect(advice.mode).toBe("extractive");
    expect(advice.citations.length).toBeGreaterThan(0);
    expect(advice.citations[0]?.source).toBe(source);
    expect(advice.answer).toContain("[1]");
  });
});
