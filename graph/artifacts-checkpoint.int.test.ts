import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { artifactDigest } from "../nodes/builder/engine.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";
import { contentDigest } from "./artifact-store.js";
import { buildPlanningGraph } from "./build.js";
import type { ArtifactManifest, ArtifactRef } from "./state.js";

// Issue 8, planning speed: each checkpoint carried every artifact's content (~80 KB for a web
// API), written and read back over the embedded database's one connection. The state now names
// the files by digest and the contents live in the artifact store; threads checkpointed before
// that keep working from the contents their checkpoints carry.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("artifacts stay out of the checkpoints", () => {
  let db: Database;
  let t: TestApp;
  let dir: string;
  let gitopsDir: string;

  beforeAll(async () => {
    dir = makeTmpDir("atlas-artifact-checkpoints-");
    gitopsDir = join(dir, "gitops");
    db = await embeddedTestDatabase();
    t = await buildTestApp(db, { env: { ATLAS_GITOPS_DIR: gitopsDir } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
    removeTmpDir(dir);
  });

  const post = (url: string, payload: unknown) => t.app.inject({ method: "POST", url, payload: payload as object, headers: t.auth });
  const artifact = (threadId: string, path: string) => t.app.inject({ method: "GET", url: `/architect/plan/${threadId}/artifacts/${path}`, headers: t.auth });
  const graphConfig = (threadId: string) => ({ configurable: { thread_id: `default/${threadId}` } });
  const committed = (appliedPath: string, file: ArtifactRef) => readFileSync(join(gitopsDir, appliedPath, file.path), "utf8");

  it("checkpoints name each file by digest; the artifact route and the apply read the contents from the store", async () => {
    const run = (await post("/architect/plan", { goal })).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    const saver = new PostgresSaver(db.pool);
    const checkpoints = [];
    for await (const tuple of saver.list(graphConfig(run.thread_id))) checkpoints.push(tuple);
    expect(checkpoints.length).toBeGreaterThanOrEqual(4);
    // no checkpoint and no pending write holds a line of Terraform
    const withTerraform = checkpoints.filter((tuple) => JSON.stringify([tuple.checkpoint.channel_values, tuple.pendingWrites]).includes('resource \\"aws_'));
    expect(withTerraform.map((tuple) => tuple.metadata?.step)).toEqual([]);
    const latest = checkpoints[0]?.checkpoint.channel_values.artifacts as ArtifactManifest;
    expect(latest.digest).toBe(run.artifacts_digest);
    expect(latest.files.map(({ path, kind, sha256, bytes }) => ({ path, kind, sha256, bytes }))).toEqual(run.artifacts);
    expect(latest.files.filter((file) => "content" in file)).toEqual([]);

    const main = latest.files.find((file) => file.path.endsWith(".tf")) as ArtifactRef;
    const served = await artifact(run.thread_id, main.path);
    expect(served.statusCode).toBe(200);
    expect(served.headers.etag).toBe(`"${main.sha256}"`);
    expect(contentDigest(served.body)).toBe(main.sha256);
    expect(served.body).toContain("resource ");

    const done = (await post(`/architect/plan/${run.thread_id}/resume`, { decision: "approve", approver: "alice" })).json();
    expect(done.status).toBe("DONE");
    for (const file of latest.files) expect(contentDigest(committed(done.applied.path, file)), file.path).toBe(file.sha256);
  });

  it("a thread checkpointed before the store (contents in its state) is served and applied from those contents", async () => {
    const run = (await post("/architect/plan", { goal })).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    // Rewrite the waiting thread's artifacts as the builder used to leave them: every file with its
    // content. One file's content is in no store, so only the state can answer for it.
    const graph = buildPlanningGraph(t.deps, new PostgresSaver(db.pool));
    const current = (await graph.getState(graphConfig(run.thread_id))).values.artifacts as ArtifactManifest;
    const stored = await t.deps.artifactStore.get(current.files.map((file) => file.sha256));
    const legacyText = "# Written before the artifact store: this content lives in the checkpoint only.\n";
    const legacyFiles = current.files.map((file) =>
      file.path === "README.md"
        ? { ...file, content: legacyText, sha256: contentDigest(legacyText), bytes: Buffer.byteLength(legacyText) }
        : { ...file, content: stored.get(file.sha256) as string },
    );
    expect(legacyFiles.every((file) => typeof file.content === "string")).toBe(true);
    // as a checkpoint of that time carried them: the digest of these files, and no signature (builds were not signed yet)
    const { signature: _signature, ...unsigned } = current;
    await graph.updateState(graphConfig(run.thread_id), { artifacts: { ...unsigned, files: legacyFiles, digest: artifactDigest(legacyFiles) } }, "validator");

    const served = await artifact(run.thread_id, "README.md");
    expect(served.statusCode).toBe(200);
    expect(served.body).toBe(legacyText);

    const done = (await post(`/architect/plan/${run.thread_id}/resume`, { decision: "approve", approver: "alice" })).json();
    expect(done.status).toBe("DONE");
    for (const file of legacyFiles) expect(committed(done.applied.path, file), file.path).toBe(file.content);
  });
});
