import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";

const azureGoal = JSON.parse(readFileSync(join(repoRoot, "evals/goals/azure/04-staging-worker.json"), "utf8"));
const gcpGoal = JSON.parse(readFileSync(join(repoRoot, "evals/goals/gcp/04-staging-worker.json"), "utf8"));

/** Azure and Google Cloud goals at the API: their own region names plan; another cloud's is a 400 naming goal.region. */
describe("POST /architect/plan on Azure and Google Cloud (app.inject, embedded Postgres)", () => {
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

  const post = (goal: unknown) => t.app.inject({ method: "POST", url: "/architect/plan", payload: { goal } as object, headers: t.auth });

  it.each([
    ["an AWS region on Azure", { ...azureGoal, region: "eu-west-1" }, /azure region name such as "westeurope"/],
    ["an Azure region on Google Cloud", { ...gcpGoal, region: "westeurope" }, /gcp region name such as "europe-west1"/],
    ["a Google Cloud region on AWS", { ...gcpGoal, cloud: "aws", region: "europe-west1" }, /aws region name such as "us-east-1"/],
  ])("refuses %s with 400 naming goal.region and its form, and starts no run", async (_name, goal, message) => {
    const before = await db.pool.query("select count(*)::int as n from atlas_runs");
    const res = await post(goal);
    expect(res.statusCode).toBe(400);
    const issue = res.json().error.issues.find((i: { path: string }) => i.path === "goal.region");
    expect(issue?.message).toMatch(message);
    expect((await db.pool.query("select count(*)::int as n from atlas_runs")).rows[0].n).toBe(before.rows[0].n);
  });

  it.each([
    ["azure", azureGoal],
    ["gcp", gcpGoal],
  ])("plans a %s goal to the approval gate", async (cloud, goal) => {
    const res = await post(goal);
    expect(res.statusCode).toBeLessThan(300);
    expect(res.json().status).toBe("WAIT_FOR_APPROVE");
    expect(res.json().plan.cloud).toBe(cloud);
    expect(res.json().plan.region).toBe(goal.region);
    expect(res.json().validation.status).toBe("PASS");
  });
});
