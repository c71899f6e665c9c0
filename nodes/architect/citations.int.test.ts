import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db/database.js";
import type { SearchHit } from "../../rag/search.js";
import { buildTestApp, type TestApp } from "../../test/helpers/app.js";
import { embeddedTestDatabase } from "../../test/helpers/databases.js";
import { repoRoot } from "../../test/helpers/tmp.js";

// A plan's runbook citations carry the text they cite, as retrieved when the plan was made, so
// an approver can open what the design was grounded on (the console shows it in place).

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
const failover = "## Failover\n\n1. Promote the standby with `aws rds failover-db-cluster`.\n2. Point the writer endpoint at it.\n".repeat(30);

/** A search that always finds the same runbook section (a fixed retrieval, so the citation is known). */
async function search(query: string): Promise<SearchHit[]> {
  return [
    {
      chunk_id: "1",
      collection: "runbooks",
      source: "databases/failover.md",
      title: "Failover",
      heading_path: ["Failover"],
      line_start: 3,
      line_end: 9,
      score: 1,
      relevance: 1,
      lexical_score: 1,
      dense_score: null,
      snippet: query.slice(0, 20),
      content: failover,
    },
  ];
}

describe("citations", () => {
  let db: Database;
  let t: TestApp;
  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db, { overrides: { search } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  it("carry the cited lines' text, cut at 1,200 characters", async () => {
    const run = await t.deps.planner.start({ goal, tenant: "default" });
    const citation = run.plan?.citations.find((c) => c.source === "databases/failover.md");
    expect(citation).toMatchObject({ line_start: 3, line_end: 9, excerpt: failover.slice(0, 1200) });
  });
});
