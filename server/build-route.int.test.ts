import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { verifyArtifacts } from "../nodes/builder/verify.js";
import { orderEventsGrpcPlan } from "../test/fixtures/plans/components.js";
import { eksApiPlan } from "../test/fixtures/plans/eks.js";
import { webApiProdPlan } from "../test/fixtures/plans/index.js";
import { buildTestApp, type TestApp, type TestKey } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { buildResponseSchema } from "./routes/build.js";

// Issue 14: POST /architect/build builds and validates an existing design without a planning run.

describe("POST /architect/build", () => {
  let db: Database;
  let t: TestApp;
  let planner: TestKey;
  let viewer: TestKey;

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
    planner = await t.createKey({ roles: ["planner"], tenant: "acme", name: "acme-planner" });
    viewer = await t.createKey({ roles: ["viewer"], tenant: "acme", name: "acme-viewer" });
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  const build = (key: TestKey, body: unknown) => t.app.inject({ method: "POST", url: "/architect/build", headers: key.headers, payload: body as object });

  it("answers the files a run would commit, signed with the deployment's key, and the validator's report; stores nothing", async () => {
    const res = await build(planner, { plan: eksApiPlan });
    expect(res.statusCode, res.body).toBe(200);
    const body = buildResponseSchema.parse(res.json());
    const paths = body.files.map((file) => file.path);
    expect(paths).toContain("kubernetes/overlays/prod/kustomization.yaml");
    expect(paths).toContain("pipelines/github-actions/deploy.yml");
    expect(body.validation.status).toBe("PASS");
    // the signature holds for these very files, under the server's key
    const check = verifyArtifacts(body.files, body.signature, [t.deps.signer.publicKey]);
    expect(check.problems).toEqual([]);
    expect(check.digest).toBe(body.digest);
    // the pipelines find the files where apply would commit them for this tenant
    const workflow = body.files.find((file) => file.path === "pipelines/github-actions/deploy.yml")?.content ?? "";
    expect(workflow).toContain(`plans/acme/${eksApiPlan.plan_id}`);
    const runs = await db.pool.query("select count(*)::int as n from atlas_runs");
    expect(runs.rows[0].n).toBe(0);
  });

  it("renders the design's own components, each with its image, as given", async () => {
    const res = await build(planner, { plan: orderEventsGrpcPlan });
    expect(res.statusCode, res.body).toBe(200);
    const body = buildResponseSchema.parse(res.json());
    expect(body.validation.status).toBe("PASS");
    const base = body.files
      .filter((file) => file.path.startsWith("kubernetes/base/"))
      .map((file) => file.content)
      .join("\n");
    expect(orderEventsGrpcPlan.runtime_components.length).toBe(2);
    for (const component of orderEventsGrpcPlan.runtime_components) expect(base).toContain(`image: ${component.container_image}`);
  });

  it("an ECS design gets Terraform and pipelines, no Kubernetes", async () => {
    const body = buildResponseSchema.parse((await build(planner, { plan: webApiProdPlan })).json());
    expect(body.files.some((file) => file.path.startsWith("kubernetes/"))).toBe(false);
    expect(body.files.filter((file) => file.kind === "delivery").map((file) => file.path)).toEqual([
      "pipelines/azure-pipelines.deploy.yaml",
      "pipelines/github-actions/deploy.yml",
    ]);
  });

  it("refuses what it cannot build with a 400 naming the field, and a viewer with a 403", async () => {
    const gcp = await build(planner, { plan: { ...webApiProdPlan, cloud: "gcp" } });
    expect(gcp.statusCode).toBe(400);
    expect(gcp.json().error.issues.map((issue: { path: string }) => issue.path)).toContain("plan.cloud");
    const { region: _region, ...noRegion } = webApiProdPlan;
    const missing = await build(planner, { plan: noRegion });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.issues.map((issue: { path: string }) => issue.path)).toContain("plan.region");
    expect((await build(viewer, { plan: webApiProdPlan })).statusCode).toBe(403);
  });
});
