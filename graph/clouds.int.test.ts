import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, type Deps } from "../app/deps.js";
import { ingestPaths } from "../ingest/ingest.js";
import { createLogger } from "../lib/log.js";
import { goalStatementSchema } from "../schemas/goal.js";
import { planSpecSchema } from "../schemas/plan.js";
import { testConfig } from "../test/helpers/config.js";
import { fixtureRunbooksDir, makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";

const log = createLogger("silent");
const load = (file: string) => goalStatementSchema.parse(JSON.parse(readFileSync(join(repoRoot, "evals/goals", file), "utf8")));

/**
 * Issue 15's Done-when, through the real graph on the embedded database: an Azure goal and a
 * Google Cloud goal each planned, built, validated (PASS, priced by the validator from the built
 * Terraform within the budget), stopped at the approval interrupt, approved and committed to the
 * GitOps repository.
 */
describe.each([
  ["azure", "azure/02-prod-api.json", "azurerm_"],
  ["gcp", "gcp/02-prod-api.json", "google_"],
])("%s goal through the graph", (cloud, file, prefix) => {
  let dataDir: string;
  let deps: Deps;
  const goal = load(file);

  beforeAll(async () => {
    dataDir = makeTmpDir(`atlas-${cloud}-`);
    deps = await buildDeps(testConfig({ ATLAS_DATA_DIR: dataDir }), log, { embedder: null });
    await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder }, [fixtureRunbooksDir]);
  });
  afterAll(async () => {
    await deps?.close();
    removeTmpDir(dataDir);
  });

  it("runs to approval with Terraform the validator passes and prices within the budget, then applies to the GitOps repo", async () => {
    const started = await deps.planner.start({ goal, tenant: "default" });
    expect(started.blocked?.reason ?? null).toBeNull();
    expect(started.status).toBe("WAIT_FOR_APPROVE");
    const plan = planSpecSchema.parse(started.plan);
    expect(plan.cloud).toBe(cloud);
    expect(started.revisions).toBe(0);
    // the validator's verdict and its own pricing of the built Terraform
    const validation = started.validation;
    expect(validation?.status).toBe("PASS");
    expect(validation?.cost.region).toBe(goal.region);
    expect(validation?.cost.unpriced).toEqual([]);
    expect(validation?.cost.monthly_total_usd).toBeGreaterThan(0);
    expect(validation?.cost.monthly_total_usd).toBeLessThanOrEqual(goal.budget.monthly_usd);
    const terraform = started.artifacts.filter((a) => a.path.startsWith("terraform/"));
    expect(terraform.length).toBeGreaterThan(3);
    expect((validation?.cost.resources ?? []).every((r) => r.type.startsWith(prefix))).toBe(true);
    const request = started.interrupt as { kind: string };
    expect(request.kind).toBe("approval");

    const done = await deps.planner.resume(started.thread_id, "default", { decision: "approve", approver: "alice" });
    expect(done.status).toBe("DONE");
    const commits = (await deps.gitops.log(20)).filter((c) => c.message.includes(`Atlas-Plan: ${plan.plan_id}`) && c.message.includes("Atlas-Action: apply"));
    expect(commits).toHaveLength(1);
  });

  it("a reviewer's comment is acted on in the next version, which the validator passes again", async () => {
    const started = await deps.planner.start({ goal: { ...goal, name: `${goal.name}-revised` }, tenant: "default" });
    expect(started.status).toBe("WAIT_FOR_APPROVE");
    expect(planSpecSchema.parse(started.plan).caches).toEqual([]);
    const revised = await deps.planner.resume(started.thread_id, "default", { decision: "revise", approver: "alice", comment: "add a redis cache" });
    expect(revised.status).toBe("WAIT_FOR_APPROVE");
    const plan = planSpecSchema.parse(revised.plan);
    expect(plan.version).toBe(2);
    expect(plan.caches).toHaveLength(1);
    expect(plan.revision_notes.some((note) => note.startsWith('revise comment "add a redis cache": applied: keep a cache'))).toBe(true);
    expect(plan.risks.some((risk) => risk.id === "revision-comments-not-applied")).toBe(false);
    expect(revised.validation?.status).toBe("PASS");
    expect((revised.validation?.cost.resources ?? []).some((r) => r.type === (cloud === "azure" ? "azurerm_redis_cache" : "google_redis_instance"))).toBe(true);
  });
});
