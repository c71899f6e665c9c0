import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { extract } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../app/cli/verify.js";
import { buildPlanningGraph } from "../../graph/build.js";
import type { ArtifactManifest } from "../../graph/state.js";
import type { Database } from "../../lib/db/database.js";
import { buildTestApp, type TestApp } from "../../test/helpers/app.js";
import { recordingIo } from "../../test/helpers/cli-io.js";
import { embeddedTestDatabase } from "../../test/helpers/databases.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../../test/helpers/tmp.js";

// Issue 14, signed digests: apply verifies the files it is about to commit against the build's
// digest and the builder's Ed25519 signature, with the deployment's key; a changed stored file or a
// replica holding another key is refused before anything is committed. The committed folder (and
// the archive download) carries ATLAS-SIGNATURE.json, which `pnpm verify` checks.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("apply verifies the build before it commits", () => {
  let db: Database;
  let a: TestApp;
  let dir: string;
  let gitopsDir: string;
  let keyFile: string;

  /** A replica on the same database and workspace; with the deployment's key unless `ownKey`. */
  const replica = (ownKey = false) => buildTestApp(db, { env: { ATLAS_GITOPS_DIR: gitopsDir, ...(ownKey ? {} : { ATLAS_SIGNING_KEY_FILE: keyFile }) } });

  beforeAll(async () => {
    dir = makeTmpDir("atlas-apply-verify-");
    gitopsDir = join(dir, "gitops");
    keyFile = join(dir, "secrets", "signing-key.pem");
    db = await embeddedTestDatabase();
    a = await replica();
  });
  afterAll(async () => {
    await a?.close();
    await db?.close();
    removeTmpDir(dir);
  });

  const post = (t: TestApp, url: string, payload: unknown) => t.app.inject({ method: "POST", url, payload: payload as object, headers: t.auth });
  const approve = (t: TestApp, threadId: string) => post(t, `/architect/plan/${threadId}/resume`, { decision: "approve", approver: "alice" });
  const plan = async () => {
    const run = (await post(a, "/architect/plan", { goal })).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    return run as { thread_id: string; artifacts: { path: string; sha256: string }[]; artifacts_digest: string };
  };
  const applyDone = async (threadId: string) => {
    const { events } = (await a.app.inject({ method: "GET", url: `/architect/plan/${threadId}/events`, headers: a.auth })).json();
    return events.find((event: { type: string }) => event.type === "apply.done")?.data;
  };
  const commitsOf = async (threadId: string) => (await a.deps.gitops.log(200)).filter((commit) => commit.message.includes(`Atlas-Thread: ${threadId}\n`));
  const verify = async (folder: string) => {
    const { io, printed } = recordingIo();
    const code = await runCli([folder], io, { ATLAS_SIGNING_KEY_FILE: keyFile });
    return { code, ...printed };
  };

  it("the key is made once at first start, in ATLAS_SIGNING_KEY_FILE, and every replica given it signs with it", async () => {
    expect(readFileSync(keyFile, "utf8")).toContain("BEGIN PRIVATE KEY");
    const b = await replica();
    try {
      expect(b.deps.signer.keyId).toBe(a.deps.signer.keyId);
    } finally {
      await b.close();
    }
  });

  it("a signed build is committed with ATLAS-SIGNATURE.json; pnpm verify accepts the folder and rejects a changed byte", async () => {
    const run = await plan();
    const done = (await approve(a, run.thread_id)).json();
    expect(done.status).toBe("DONE");
    expect(await applyDone(run.thread_id)).toMatchObject({ signature: { status: "verified", key_id: a.deps.signer.keyId, digest: run.artifacts_digest } });

    const folder = join(gitopsDir, done.applied.path);
    const signature = JSON.parse(readFileSync(join(folder, "ATLAS-SIGNATURE.json"), "utf8"));
    expect(signature).toMatchObject({ algorithm: "ed25519", key_id: a.deps.signer.keyId, signed: run.artifacts_digest });
    expect(signature.files.length).toBe(run.artifacts.length);
    const accepted = await verify(folder);
    expect(accepted.stdout).toBe(`verified: ${run.artifacts.length} files, digest ${run.artifacts_digest}, key ${a.deps.signer.keyId}\n`);
    expect(accepted.code).toBe(0);

    const target = run.artifacts.find((file) => file.path.endsWith(".tf"));
    if (!target) throw new Error("the build has no Terraform file");
    const bytes = readFileSync(join(folder, target.path));
    bytes[0] = (bytes[0] as number) ^ 1;
    writeFileSync(join(folder, target.path), bytes);
    const rejected = await verify(folder);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain(`changed: ${target.path}`);
  });

  it("the archive download carries ATLAS-SIGNATURE.json, and its unpacked folder verifies", async () => {
    const run = await plan();
    const res = await a.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}/artifacts.tar.gz`, headers: a.auth });
    expect(res.statusCode).toBe(200);
    const target = join(dir, `unpacked-${run.thread_id}`);
    const reader = extract();
    Readable.from([gunzipSync(res.rawPayload)]).pipe(reader);
    const names: string[] = [];
    for await (const entry of reader) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      names.push(entry.header.name);
      mkdirSync(dirname(join(target, entry.header.name)), { recursive: true });
      writeFileSync(join(target, entry.header.name), Buffer.concat(chunks));
    }
    const folder = names[0]?.split("/")[0] as string;
    expect(names).toContain(`${folder}/ATLAS-SIGNATURE.json`);
    expect(names).toContain(`${folder}/MANIFEST.json`);
    const result = await verify(join(target, folder));
    expect(result.stdout).toBe(`verified: ${run.artifacts.length} files, digest ${run.artifacts_digest}, key ${a.deps.signer.keyId}\n`);
    expect(result.code).toBe(0);
  });

  it("a stored artifact changed after the build is refused, naming the file; nothing is committed and the approval stands", async () => {
    const run = await plan();
    const target = run.artifacts.find((file) => file.path.endsWith(".tf"));
    if (!target) throw new Error("the build has no Terraform file");
    const original = (await db.pool.query<{ content: string }>("select content from atlas_artifacts where sha256 = $1", [target.sha256])).rows[0]?.content;
    expect(original).toBeDefined();
    await db.pool.query("update atlas_artifacts set content = content || $2 where sha256 = $1", [target.sha256, '\nresource "aws_iam_user" "extra" {}\n']);
    // another replica: its artifact store has no copy in memory, so it reads the changed row
    const b = await replica();
    try {
      const refused = await approve(b, run.thread_id);
      expect(refused.statusCode).toBe(503);
      const message: string = refused.json().error.message;
      expect(message).toContain("apply refused");
      expect(message).toContain(`changed: ${target.path}`);
      expect(message).toContain("digest differs");
      expect(await commitsOf(run.thread_id)).toEqual([]);
      expect(existsSync(join(gitopsDir, "plans", "default", (await b.deps.planner.get(run.thread_id, "default")).plan_id))).toBe(false);
      expect((await b.deps.planner.get(run.thread_id, "default")).status).toBe("APPLYING");
    } finally {
      await b.close();
      await db.pool.query("update atlas_artifacts set content = $2 where sha256 = $1", [target.sha256, original]);
    }
    // with the store repaired (this replica holds the original in memory), approving again applies it once
    const done = (await approve(a, run.thread_id)).json();
    expect(done.status).toBe("DONE");
    expect(await commitsOf(run.thread_id)).toHaveLength(1);
  });

  it("a replica holding another signing key refuses to apply, naming both key ids", async () => {
    const run = await plan();
    const c = await replica(true);
    try {
      expect(c.deps.signer.keyId).not.toBe(a.deps.signer.keyId);
      const refused = await approve(c, run.thread_id);
      expect(refused.statusCode).toBe(503);
      const message: string = refused.json().error.message;
      expect(message).toContain(`signed with key ${a.deps.signer.keyId}`);
      expect(message).toContain(`this replica's signing key (ATLAS_SIGNING_KEY_FILE) is ${c.deps.signer.keyId}`);
      expect(await commitsOf(run.thread_id)).toEqual([]);
    } finally {
      await c.close();
    }
    expect((await approve(a, run.thread_id)).json().status).toBe("DONE");
  });

  it("a build from before signing is applied on its digest alone, says unsigned and commits no signature file", async () => {
    const run = await plan();
    const graph = buildPlanningGraph(a.deps, new PostgresSaver(db.pool));
    const config = { configurable: { thread_id: `default/${run.thread_id}` } };
    const { signature: _signature, ...unsigned } = (await graph.getState(config)).values.artifacts as ArtifactManifest;
    await graph.updateState(config, { artifacts: unsigned }, "validator");

    const done = (await approve(a, run.thread_id)).json();
    expect(done.status).toBe("DONE");
    const event = await applyDone(run.thread_id);
    expect(event.signature).toMatchObject({ status: "unsigned", digest: run.artifacts_digest });
    expect(event.signature.note).toContain("no signature was checked");
    expect(existsSync(join(gitopsDir, done.applied.path, "ATLAS-SIGNATURE.json"))).toBe(false);
  });
});
