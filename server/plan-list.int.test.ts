import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { planIdOf } from "../runs/driver.js";
import { makeRunRegistry } from "../runs/registry.js";
import { buildTestApp, type TestApp, type TestKey } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";
import { archiveManifestSchema, runArtifactsSchema, runListSchema } from "./routes/plan-reads.js";

// Issue 13: a person picks the run to approve from GET /architect/plans (waiting approvals
// first), and downloads a build's ~36 artifacts in one GET .../artifacts.tar.gz.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

type Listed = ReturnType<typeof runListSchema.parse>["runs"][number];

describe("GET /architect/plans and GET /architect/plan/:id/artifacts.tar.gz", () => {
  let db: Database;
  let t: TestApp;
  let acme: { planner: TestKey; approver: TestKey; viewer: TestKey };
  let globex: TestKey;

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
    acme = {
      planner: await t.createKey({ roles: ["planner"], tenant: "acme", name: "alice-planner" }),
      approver: await t.createKey({ roles: ["approver"], tenant: "acme", name: "bob-approver" }),
      viewer: await t.createKey({ roles: ["viewer"], tenant: "acme", name: "carol-viewer" }),
    };
    globex = await t.createKey({ roles: ["planner"], tenant: "globex", name: "globex-planner" });

    // in this order: d waits (newest), a waits, c DONE (decided after b), b REJECTED
    for (const id of ["t-a", "t-b", "t-c"]) await plan(acme.planner, id);
    await decide("t-b", "reject");
    await decide("t-c", "approve");
    await plan(acme.planner, "t-d");
    // the same id in another tenant
    await plan(globex, "t-a");
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  async function plan(key: TestKey, thread_id: string) {
    const res = await t.app.inject({ method: "POST", url: "/architect/plan", headers: key.headers, payload: { goal, thread_id } });
    expect(res.json().status, res.body).toBe("WAIT_FOR_APPROVE");
  }
  async function decide(thread_id: string, decision: "approve" | "reject") {
    const res = await t.app.inject({
      method: "POST",
      url: `/architect/plan/${thread_id}/resume`,
      headers: acme.approver.headers,
      payload: { decision, approver: "bob" },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  const list = async (key: TestKey, query = "") => {
    const res = await t.app.inject({ method: "GET", url: `/architect/plans${query}`, headers: key.headers });
    expect(res.statusCode, res.body).toBe(200);
    return runListSchema.parse(res.json()).runs;
  };
  const ids = (runs: Listed[]) => runs.map((run) => run.thread_id);

  it("lists waiting approvals first, then the most recently changed, to a viewer", async () => {
    const runs = await list(acme.viewer);
    expect(ids(runs)).toEqual(["t-d", "t-a", "t-c", "t-b"]);
    expect(runs.map((run) => run.status)).toEqual(["WAIT_FOR_APPROVE", "WAIT_FOR_APPROVE", "DONE", "REJECTED"]);
    // within each group, the most recently changed first
    const [d, a, c, b] = runs as [Listed, Listed, Listed, Listed];
    expect(Date.parse(d.updated_at)).toBeGreaterThanOrEqual(Date.parse(a.updated_at));
    expect(Date.parse(c.updated_at)).toBeGreaterThanOrEqual(Date.parse(b.updated_at));
    expect(Date.parse(c.updated_at)).toBeGreaterThan(Date.parse(c.created_at));
    for (const run of runs) {
      expect(run).toMatchObject({ plan_id: planIdOf(run.thread_id), goal_name: goal.name, plan_version: 1, busy: false });
    }
  });

  it("shows each run's cost and budget at a glance, as the plan it stopped with says", async () => {
    const runs = await list(acme.viewer);
    for (const run of runs) {
      const view = (await t.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}`, headers: acme.viewer.headers })).json();
      expect(run.monthly_usd).toBe(view.plan.cost.monthly_total_usd);
      expect(run.budget_usd).toBe(goal.budget.monthly_usd);
    }
  });

  it("names who started each run by its key's name (null for a run no key started)", async () => {
    await t.deps.planner.start({ goal, tenant: "acme", thread_id: "t-cli" });
    const runs = await list(acme.viewer);
    const byId = new Map(runs.map((run) => [run.thread_id, run]));
    expect(byId.get("t-a")).toMatchObject({ created_by: acme.planner.id, created_by_name: "alice-planner" });
    expect(byId.get("t-cli")).toMatchObject({ created_by: null, created_by_name: null, status: "WAIT_FOR_APPROVE" });
    // the newest waiting run comes first
    expect(ids(runs)[0]).toBe("t-cli");
  });

  it("filters on one status and pages with limit and offset", async () => {
    const waiting = await list(acme.viewer, "?status=WAIT_FOR_APPROVE");
    expect(waiting.every((run) => run.status === "WAIT_FOR_APPROVE")).toBe(true);
    expect(ids(waiting)).toEqual(ids(await list(acme.viewer)).filter((id) => waiting.some((run) => run.thread_id === id)));
    expect(ids(await list(acme.viewer, "?status=DONE"))).toEqual(["t-c"]);
    expect(await list(acme.viewer, "?status=FAILED")).toEqual([]);
    const all = ids(await list(acme.viewer));
    expect(ids(await list(acme.viewer, "?limit=2&offset=1"))).toEqual(all.slice(1, 3));
  });

  it("shows each tenant its own runs only", async () => {
    const runs = await list(globex);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ thread_id: "t-a", created_by: globex.id, created_by_name: "globex-planner" });
    // acme's t-a is still acme's, started by acme's key
    expect((await list(acme.viewer)).find((run) => run.thread_id === "t-a")?.created_by).toBe(acme.planner.id);
  });

  it("refuses a status that does not exist, naming query.status, and unknown parameters", async () => {
    const bad = await t.app.inject({ method: "GET", url: "/architect/plans?status=WAITING", headers: acme.viewer.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues.map((issue: { path: string }) => issue.path)).toEqual(["query.status"]);
    const limit = await t.app.inject({ method: "GET", url: "/architect/plans?limit=0", headers: acme.viewer.headers });
    expect(limit.statusCode).toBe(400);
    expect(limit.json().error.issues.map((issue: { path: string }) => issue.path)).toEqual(["query.limit"]);
    const unknown = await t.app.inject({ method: "GET", url: "/architect/plans?tenant=globex", headers: acme.viewer.headers });
    expect(unknown.statusCode).toBe(400);
  });

  it("packs every artifact of the latest build in one gzipped tar, each file as /artifacts lists it", async () => {
    const listing = runArtifactsSchema.parse(
      (await t.app.inject({ method: "GET", url: "/architect/plan/t-c/artifacts", headers: acme.viewer.headers })).json(),
    );
    expect(listing.files.length).toBeGreaterThan(10);
    const res = await t.app.inject({ method: "GET", url: "/architect/plan/t-c/artifacts.tar.gz", headers: acme.viewer.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toBe("application/gzip");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="plan-t-c-v1.tar.gz"');

    const files = await untar(res.rawPayload);
    const folder = "plan-t-c-v1/";
    expect([...files.keys()].every((name) => name.startsWith(folder))).toBe(true);
    expect([...files.keys()].sort()).toEqual(
      [...listing.files.map((file) => folder + file.path), `${folder}MANIFEST.json`, `${folder}ATLAS-SIGNATURE.json`].sort(),
    );
    for (const file of listing.files) {
      const content = files.get(folder + file.path) as Buffer;
      expect(createHash("sha256").update(content).digest("hex"), file.path).toBe(file.sha256);
      expect(content.length, file.path).toBe(file.bytes);
    }
    const manifest = archiveManifestSchema.parse(JSON.parse((files.get(`${folder}MANIFEST.json`) as Buffer).toString("utf8")));
    expect(manifest).toEqual({
      plan_id: "plan-t-c",
      plan_version: 1,
      digest: listing.digest,
      files: listing.files.map(({ path, sha256, bytes }) => ({ path, sha256, bytes })),
    });
    // one file read through the existing route is the same bytes
    const first = listing.files[0] as { path: string };
    const single = await t.app.inject({ method: "GET", url: `/architect/plan/t-c/artifacts/${first.path}`, headers: acme.viewer.headers });
    expect(single.rawPayload.equals(files.get(folder + first.path) as Buffer)).toBe(true);
  });

  it("packs an earlier plan version's build with ?version, from the thread's history", async () => {
    const v1 = runArtifactsSchema.parse((await t.app.inject({ method: "GET", url: "/architect/plan/t-d/artifacts", headers: acme.viewer.headers })).json());
    const revised = await t.app.inject({
      method: "POST",
      url: "/architect/plan/t-d/resume",
      headers: acme.approver.headers,
      payload: { decision: "revise", approver: "bob", comment: "two more tasks", changes: { workload: { requests_per_second: 900 } } },
    });
    expect(revised.json().plan.version, revised.body).toBe(2);
    const fetchVersion = (query: string) => t.app.inject({ method: "GET", url: `/architect/plan/t-d/artifacts.tar.gz${query}`, headers: acme.viewer.headers });
    const older = await fetchVersion("?version=1");
    expect(older.headers["content-disposition"]).toBe('attachment; filename="plan-t-d-v1.tar.gz"');
    const manifest = archiveManifestSchema.parse(JSON.parse(((await untar(older.rawPayload)).get("plan-t-d-v1/MANIFEST.json") as Buffer).toString("utf8")));
    expect(manifest).toMatchObject({ plan_version: 1, digest: v1.digest });
    expect((await fetchVersion("?version=2")).headers["content-disposition"]).toBe('attachment; filename="plan-t-d-v2.tar.gz"');
    expect((await fetchVersion("?version=9")).statusCode).toBe(404);
    expect((await fetchVersion("?version=zero")).statusCode).toBe(400);
  });

  it("answers 404 for a thread without artifacts, and for another tenant's thread", async () => {
    await makeRunRegistry(db.pool).createThread({ thread_id: "t-empty", tenant: "acme", plan_id: planIdOf("t-empty"), trace_id: "trace-empty", metadata: {} });
    const empty = await t.app.inject({ method: "GET", url: "/architect/plan/t-empty/artifacts.tar.gz", headers: acme.viewer.headers });
    expect(empty.statusCode).toBe(404);
    expect(empty.json().error.message).toContain("t-empty");
    const elsewhere = await t.app.inject({ method: "GET", url: "/architect/plan/t-c/artifacts.tar.gz", headers: globex.headers });
    expect(elsewhere.statusCode).toBe(404);
  });
});

/** The files of a .tar.gz by name, read with tar-stream. */
async function untar(gz: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const reader = extract();
  Readable.from([gunzipSync(gz)]).pipe(reader);
  for await (const entry of reader) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    expect(entry.header.type).toBe("file");
    files.set(entry.header.name, Buffer.concat(chunks));
  }
  return files;
}
