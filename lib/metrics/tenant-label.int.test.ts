import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../test/helpers/app.js";
import { embeddedTestDatabase } from "../../test/helpers/databases.js";
import { repoRoot } from "../../test/helpers/tmp.js";
import type { Database } from "../db/database.js";
import { tenantHash } from "./tenant-label.js";

// The real app with the default settings (METRICS_PUBLIC true, METRICS_TENANT_LABEL unset):
// anyone may read /metrics, so it must not list tenant names.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("tenant labels on a public /metrics", () => {
  let db: Database;
  let t: TestApp;

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  it("are hashes by default, the same ones on every scrape; names only when the operator asks", async () => {
    const secret = await t.createKey({ roles: ["planner"], tenant: "initech-confidential" });
    const run = await t.app.inject({ method: "POST", url: "/architect/plan", headers: secret.headers, payload: { goal } });
    expect(run.json().status).toBe("WAIT_FOR_APPROVE");
    t.deps.metrics.recordTokens("initech-confidential", "stub-model", 10);

    const scrape = async () => (await t.app.inject({ method: "GET", url: "/metrics" })).body;
    const body = await scrape();
    const label = tenantHash("initech-confidential");
    expect(body).toMatch(new RegExp(`atlas_runs_by_status\\{tenant="${label}",status="WAIT_FOR_APPROVE"\\} 1`));
    expect(body).toContain(`atlas_tokens_total{tenant="${label}",model="stub-model"} 10`);
    expect(body).not.toContain("initech");
    expect(await scrape()).toContain(`tenant="${label}"`);

    const named = await buildTestApp(db, { env: { METRICS_TENANT_LABEL: "name" } });
    try {
      expect((await named.app.inject({ method: "GET", url: "/metrics" })).body).toMatch(
        /atlas_runs_by_status\{tenant="initech-confidential",status="WAIT_FOR_APPROVE"\} 1/,
      );
    } finally {
      await named.close();
    }
  });
});
