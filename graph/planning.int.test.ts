import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeps, type Deps } from "../app/deps.js";
import { ingestPaths } from "../ingest/ingest.js";
import { openDatabase } from "../lib/db/database.js";
import { readMigrations } from "../lib/db/migrate.js";
import { createLogger } from "../lib/log.js";
import { goalStatementSchema } from "../schemas/goal.js";
import { handoffEventSchemas, infrastructureGeneratedSchema, infraValidationFailedSchema, manifestPublishedSchema } from "../schemas/handoff-events.js";
import { planSpecSchema } from "../schemas/plan.js";
import { testConfig } from "../test/helpers/config.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { fixtureRunbooksDir, makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";

const goal = goalStatementSchema.parse(JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8")));
const log = createLogger("silent");

async function embeddedDeps(dataDir: string, env: Record<string, string> = {}): Promise<Deps> {
  return buildDeps(testConfig({ ATLAS_DATA_DIR: dataDir, ...env }), log, { embedder: null });
}

async function countApplyCommits(deps: Deps, planId: string): Promise<number> {
  return (await deps.gitops.log(100)).filter((c) => c.message.includes(`Atlas-Plan: ${planId}`) && c.message.includes("Atlas-Action: apply")).length;
}

describe("planning graph on the embedded database", () => {
  let dataDir: string;
  let deps: Deps;

  beforeAll(async () => {
    dataDir = makeTmpDir("atlas-graph-");
    deps = await embeddedDeps(dataDir);
    await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder }, [fixtureRunbooksDir]);
  });
  afterAll(async () => {
    await deps?.close();
    removeTmpDir(dataDir);
  });

  it("runs to the approval interrupt, survives a restart, applies once and rolls back", async () => {
    const started = await deps.planner.start({ goal, tenant: "default" });
    expect(started.status).toBe("WAIT_FOR_APPROVE");
    expect(planSpecSchema.parse(started.plan).version).toBe(1);
    expect(started.validation?.status).toBe("PASS");
    expect(started.artifacts.some((a) => a.path.endsWith(".tf"))).toBe(true);
    // Manifests and a chart only for a design that runs on Kubernetes; this goal names no platform, so ECS and none.
    const onKubernetes = started.plan?.compute.platform === "eks";
    expect(started.artifacts.some((a) => a.kind === "kubernetes")).toBe(onKubernetes);
    expect(started.artifacts.some((a) => a.kind === "helm")).toBe(onKubernetes);
    const request = started.interrupt as { kind: string; diagram: string; cost: { budget_usd: number }; diff: { added: string[] } };
    expect(request.kind).toBe("approval");
    expect(request.diagram.startsWith("flowchart")).toBe(true);
    expect(request.cost.budget_usd).toBe(goal.budget.monthly_usd);
    expect(request.diff.added.length).toBe(started.plan?.components.length);

    // Restart: a new process (new pool, new graph) on the same data directory.
    await deps.close();
    deps = await embeddedDeps(dataDir);
    const reloaded = await deps.planner.get(started.thread_id, "default");
    expect(reloaded.status).toBe("WAIT_FOR_APPROVE");
    expect(reloaded.artifacts_digest).toBe(started.artifacts_digest);

    const decision = { decision: "approve" as const, approver: "alice", comment: "ship it" };
    const [first, second] = await Promise.allSettled([
      deps.planner.resume(started.thread_id, "default", decision),
      deps.planner.resume(started.thread_id, "default", decision),
    ]);
    const outcomes = [first, second].map((o) => o.status).sort();
    expect(outcomes).toEqual(["fulfilled", "rejected"]);
    const rejected = [first, second].find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason.code).toBe("CONFLICT");
    const done = await deps.planner.get(started.thread_id, "default");
    expect(done.status).toBe("DONE");
    expect(done.applied?.approver).toBe("alice");
    expect(await countApplyCommits(deps, started.plan_id)).toBe(1);
    const commit = (await deps.gitops.log(5)).find((c) => c.commit === done.applied?.commit);
    expect(commit?.message).toContain(started.trace_id);
    expect(commit?.message).toContain("Approved-by: alice");

    await expect(deps.planner.resume(started.thread_id, "default", decision)).rejects.toMatchObject({ code: "CONFLICT" });

    const rolledBack = await deps.planner.rollback(started.thread_id, "default", { by: "bob", reason: "error rate up" });
    expect(rolledBack.status).toBe("ROLLED_BACK");
    const latest = (await deps.gitops.log(1))[0];
    expect(latest?.message).toContain(`Reverts: ${done.applied?.commit}`);
    await expect(deps.planner.rollback(started.thread_id, "default", { by: "bob", reason: "again" })).rejects.toMatchObject({ code: "CONFLICT" });

    const history = await deps.planner.history(started.thread_id, "default");
    expect(history.map((h) => h.status)).toContain("WAIT_FOR_APPROVE");
    const events = (await deps.planner.events(started.thread_id, "default")).map((e) => e.type);
    expect(events).toEqual(
      expect.arrayContaining(["plan.pending", "build.done", "validate.result", "approval.requested", "approval.decided", "apply.done", "rollback.done"]),
    );

    // the specification's hand-off events, each valid under its schema and naming this build
    const all = await deps.planner.events(started.thread_id, "default");
    for (const event of all) {
      const schema = handoffEventSchemas[event.type as keyof typeof handoffEventSchemas];
      if (schema) expect(() => schema.parse(event.data), event.type).not.toThrow();
    }
    const generated = infrastructureGeneratedSchema.parse(all.find((event) => event.type === "InfrastructureGenerated")?.data);
    expect(generated.digest).toBe(started.artifacts_digest);
    expect(generated.plan_version).toBe(started.plan?.version);
    expect(generated.files).toBe(started.artifacts.length);
    expect(generated.terraform_path).toBe("terraform");
    expect(generated.pipelines).toEqual(["pipelines/azure-pipelines.deploy.yaml", "pipelines/github-actions/deploy.yml"]);
    expect(generated.signed_by).toMatch(/^[0-9a-f]{16}$/);
    const published = manifestPublishedSchema.parse(all.find((event) => event.type === "ManifestPublished")?.data);
    expect(published.commit).toBe(done.applied?.commit);
    expect(published.approver).toBe("alice");
    // an ECS design: no chart, so no HelmChartReady
    expect(started.plan?.compute.platform).toBe("ecs-fargate");
    expect(all.some((event) => event.type === "HelmChartReady")).toBe(false);
  });

  it("same goal and corpus give a byte-identical plan and artifacts", async () => {
    const a = await deps.planner.start({ goal, tenant: "default" });
    const b = await deps.planner.start({ goal, tenant: "default" });
    const strip = (plan: unknown) => JSON.stringify({ ...(plan as object), plan_id: "", trace_id: "" });
    expect(strip(a.plan)).toBe(strip(b.plan));
    expect(a.artifacts.map((f) => f.path)).toEqual(b.artifacts.map((f) => f.path));
  });

  it("reject ends REJECTED; revise makes a new version that answers the change", async () => {
    const rejected = await deps.planner.start({ goal, tenant: "default" });
    const afterReject = await deps.planner.resume(rejected.thread_id, "default", { decision: "reject", approver: "carol", comment: "not now" });
    expect(afterReject.status).toBe("REJECTED");

    const run = await deps.planner.start({ goal, tenant: "default" });
    const revised = await deps.planner.resume(run.thread_id, "default", {
      decision: "revise",
      approver: "carol",
      comment: "tighter budget please",
      changes: { budget: { monthly_usd: 1500 } },
    });
    expect(revised.status).toBe("WAIT_FOR_APPROVE");
    expect(revised.plan?.version).toBe(2);
    expect(revised.plan?.parent_version).toBe(1);
    expect(revised.plan?.cost.budget_usd).toBe(1500);
    expect(revised.plan?.cost.monthly_total_usd).toBeLessThanOrEqual(1500);
  });

  it("an impossible goal is BLOCKED by the architect with the arithmetic", async () => {
    const impossible = {
      ...goal,
      slo: { availability: 99.99, p95_latency_ms: 100 },
      workload: { ...goal.workload, requests_per_second: 5000 },
      budget: { monthly_usd: 40 },
    };
    const run = await deps.planner.start({ goal: impossible, tenant: "default" });
    expect(run.status).toBe("BLOCKED");
    expect(run.blocked?.stage).toBe("architect");
    expect(run.blocked?.arithmetic.length).toBeGreaterThan(0);
    expect(run.interrupt).toBeNull();
  });

  it("unknown threads are NOT_FOUND", async () => {
    await expect(deps.planner.get("no-such-thread", "default")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deps.planner.resume("no-such-thread", "default", { decision: "approve", approver: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("validator FAIL loops back twice, then BLOCKED", () => {
  let dataDir: string;
  let deps: Deps;

  beforeAll(async () => {
    dataDir = makeTmpDir("atlas-graph-policy-");
    const policyDir = join(dataDir, "policy");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(policyDir);
    // A rule the builder can never satisfy: every revision fails validation.
    writeFileSync(
      join(policyDir, "strict.yaml"),
      [
        "custom_rules:",
        "  - id: ORG_VPC_COST_CENTER",
        "    title: VPCs carry a cost centre",
        "    severity: high",
        "    target: terraform",
        "    resource_type: aws_vpc",
        "    attribute: tags.cost_center",
        "    condition: exists",
        "    message: VPC has no cost_center tag",
        "    remediation: Tag the VPC with its cost centre.",
        "",
      ].join("\n"),
    );
    deps = await embeddedDeps(dataDir, { ATLAS_POLICY_DIR: policyDir });
  });
  afterAll(async () => {
    await deps?.close();
    removeTmpDir(dataDir);
  });

  it("blocks with the findings as rationale after two revisions", async () => {
    const run = await deps.planner.start({ goal, tenant: "default" });
    expect(run.status).toBe("BLOCKED");
    expect(run.blocked?.stage).toBe("validator");
    expect(run.revisions).toBe(2);
    expect(run.plan?.version).toBe(3);
    expect(run.blocked?.findings.map((f) => f.rule_id)).toContain("ORG_VPC_COST_CENTER");
    const events = (await deps.planner.events(run.thread_id, "default")).map((e) => e.type);
    expect(events.filter((t) => t === "validate.result")).toHaveLength(3);
    expect(events).toContain("design.blocked");
    // one InfraValidationFailed per failed validation: the first two go back to the architect, the last blocks
    const failed = (await deps.planner.events(run.thread_id, "default"))
      .filter((event) => event.type === "InfraValidationFailed")
      .map((event) => infraValidationFailedSchema.parse(event.data));
    expect(failed.map((event) => [event.plan_version, event.next])).toEqual([
      [1, "revise"],
      [2, "revise"],
      [3, "blocked"],
    ]);
    expect(failed.every((event) => event.blocking.some((finding) => finding.rule_id === "ORG_VPC_COST_CENTER" && finding.file?.startsWith("terraform/")))).toBe(
      true,
    );
  });
});

describe("restart and resume on native PostgreSQL", () => {
  let native: NativeTestDatabase;
  let dataDir: string;
  const nonVector = readMigrations().filter((m) => !m.requiresVector);

  async function nativeDeps(): Promise<Deps> {
    const db = await openDatabase({ url: native.url });
    // Native Postgres here has no pgvector: no runbook store, so the architect cites nothing.
    return buildDeps(testConfig({ ATLAS_DATA_DIR: dataDir, DATABASE_URL: native.url }), log, {
      db,

      embedder: null,
      migrations: nonVector,
      search: async () => [],
    });
  }

  beforeAll(async () => {
    native = await nativeTestDatabase();
    dataDir = makeTmpDir("atlas-graph-native-");
  });
  afterAll(async () => {
    await native?.drop();
    removeTmpDir(dataDir);
  });

  it("a run waiting for approval survives a restart and is applied exactly once", async () => {
    let deps = await nativeDeps();
    const started = await deps.planner.start({ goal, tenant: "default" });
    expect(started.status).toBe("WAIT_FOR_APPROVE");
    await deps.close();

    deps = await nativeDeps();
    try {
      const resumed = await deps.planner.resume(started.thread_id, "default", { decision: "approve", approver: "dana" });
      expect(resumed.status).toBe("DONE");
      expect(await countApplyCommits(deps, started.plan_id)).toBe(1);
      await expect(deps.planner.resume(started.thread_id, "default", { decision: "approve", approver: "dana" })).rejects.toMatchObject({
        code: "CONFLICT",
        details: { status: "DONE" },
      });
    } finally {
      await deps.close();
    }
  });
});
