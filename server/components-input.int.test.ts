import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { componentListSchema } from "../schemas/component.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";

/** The user's component runtime definitions at the API: a wrong or missing field is a 400 naming its path, and no run starts. */
const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/order-events-grpc.json"), "utf8"));

describe("POST /architect/plan with components (app.inject, embedded Postgres)", () => {
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

  const post = (payload: unknown) => t.app.inject({ method: "POST", url: "/architect/plan", payload: payload as object, headers: t.auth });
  const [grpc, worker] = goal.components;
  const { container_image: _image, ...withoutImage } = grpc;

  it.each([
    ["a component without container_image", [withoutImage, worker], "goal.components[0].container_image"],
    [
      "a worker with a port named twice",
      [
        grpc,
        {
          ...worker,
          ports: [
            { name: "health", port: 8081 },
            { name: "health", port: 8082 },
          ],
        },
      ],
      "goal.components[1].ports[1].name",
    ],
    ["a microservice without ports", [grpc, { ...grpc, name: "Gateway", ports: [] }], "goal.components[1].ports"],
    ["an image tagged latest", [grpc, { ...worker, container_image: "ghcr.io/acme/order-events:latest" }], "goal.components[1].container_image"],
    ["a job without a schedule", [{ ...worker, type: "job" }], "goal.components[0].schedule"],
    [
      "a secret given as a literal next to its reference",
      [{ ...worker, env: [{ name: "K", value: "x", secret_ref: { key: "k" } }] }],
      "goal.components[0].env[0]",
    ],
  ])("refuses %s with 400 naming the field, and starts no run", async (_name, components, path) => {
    const before = await db.pool.query("select count(*)::int as n from atlas_runs");
    const res = await post({ goal: { ...goal, components } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("VALIDATION_FAILED");
    expect(res.json().error.issues.map((i: { path: string }) => i.path)).toContain(path);
    const after = await db.pool.query("select count(*)::int as n from atlas_runs");
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it("plans a valid design of two components on EKS, with the components in the plan as written", async () => {
    const res = await post({ goal });
    expect(res.statusCode).toBe(200);
    const run = res.json();
    expect(run.plan.compute.platform).toBe("eks");
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(run.validation.status).toBe("PASS");
    // as written, with only the schema's documented defaults filled in (a worker's `ports: []`)
    expect(run.plan.runtime_components).toEqual(componentListSchema.parse(goal.components));
    expect(run.plan.runtime_components[1].container_image).toBe(worker.container_image);
  });
});
