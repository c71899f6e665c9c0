import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPrivateKeyPem, signerFromPem } from "../../lib/signing.js";
import { renderArtifacts } from "../../nodes/builder/engine.js";
import { signatureDocument } from "../../nodes/builder/verify.js";
import type { BuildArtifacts } from "../../schemas/reports.js";
import { staticSitePlan, webApiProdPlan } from "../../test/fixtures/plans/index.js";
import { recordingIo } from "../../test/helpers/cli-io.js";
import { makeTmpDir, removeTmpDir } from "../../test/helpers/tmp.js";
import { runCli } from "./verify.js";

// `pnpm verify <dir>` on real files: a real build of a fixture plan written to a folder with the
// ATLAS-SIGNATURE.json apply commits beside it, then the folder changed the ways people change it.

let tmp: string;
let keyFile: string;
let publicKeyFile: string;
let keyId: string;
let build: BuildArtifacts;
let count = 0;

/** A fresh folder holding `built` and its signature (by the deployment's key unless `pem` says). */
function writeBuild(built: BuildArtifacts, pem = readFileSync(keyFile, "utf8")): string {
  const dir = join(tmp, `build-${count++}`);
  for (const file of built.files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  writeFileSync(join(dir, "ATLAS-SIGNATURE.json"), signatureDocument(signerFromPem(pem).sign(built.digest), built.files));
  return dir;
}

/** Runs the CLI with the deployment's key file in its environment (or `env`). */
async function verify(args: string[], env: Record<string, string> = { ATLAS_SIGNING_KEY_FILE: keyFile }) {
  const { io, printed } = recordingIo();
  const code = await runCli(args, io, { ATLAS_DATA_DIR: join(tmp, "data"), ...env });
  return { code, ...printed };
}

beforeAll(() => {
  tmp = makeTmpDir("atlas-verify-cli-");
  keyFile = join(tmp, "signing-key.pem");
  const pem = newPrivateKeyPem();
  writeFileSync(keyFile, pem, { mode: 0o600 });
  const signer = signerFromPem(pem);
  keyId = signer.keyId;
  publicKeyFile = join(tmp, "signing-key.pub.pem");
  writeFileSync(publicKeyFile, signer.publicKeyPem);
  build = renderArtifacts(webApiProdPlan);
});
afterAll(() => removeTmpDir(tmp));

describe("pnpm verify", () => {
  it("accepts an untouched artifact folder (a MANIFEST.json beside it is not an artifact)", async () => {
    const dir = writeBuild(build);
    writeFileSync(join(dir, "MANIFEST.json"), "{}\n");
    const result = await verify([dir]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(`verified: ${build.files.length} files, digest ${build.digest}, key ${keyId}\n`);
    expect(result.code).toBe(0);
  });

  it("rejects a folder with one changed byte, naming the file", async () => {
    const dir = writeBuild(build);
    const target = build.files.find((file) => file.path.endsWith(".tf"));
    if (!target) throw new Error("the fixture build has no Terraform file");
    const bytes = readFileSync(join(dir, target.path));
    bytes[10] = (bytes[10] as number) ^ 1;
    writeFileSync(join(dir, target.path), bytes);
    const result = await verify([dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`NOT verified: ${dir}`);
    expect(result.stdout).toContain(`  - changed: ${target.path}\n`);
    expect(result.stdout).toContain("digest differs");
  });

  it("names an added and a removed file, in --json too", async () => {
    const dir = writeBuild(build);
    const removed = build.files.find((file) => file.path === "README.md");
    if (!removed) throw new Error("the fixture build has no README.md");
    writeFileSync(join(dir, "terraform", "backdoor.tf"), 'resource "aws_iam_user" "x" {}\n');
    rmSync(join(dir, removed.path));
    const result = await verify([dir, "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ verified: false, added: ["terraform/backdoor.tf"], removed: ["README.md"], changed: [], key_id: keyId });
  });

  it("--public-key verifies without the private key; a key that did not sign is refused", async () => {
    const dir = writeBuild(build);
    const missing = { ATLAS_SIGNING_KEY_FILE: join(tmp, "no-such-key.pem") };
    const withPublic = await verify([dir, "--public-key", publicKeyFile], missing);
    expect(withPublic.stdout).toBe(`verified: ${build.files.length} files, digest ${build.digest}, key ${keyId}\n`);
    expect(withPublic.code).toBe(0);

    const stranger = join(tmp, "stranger.pem");
    writeFileSync(stranger, signerFromPem(newPrivateKeyPem()).publicKeyPem);
    const refused = await verify([dir, "--public-key", stranger], missing);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`signed by key ${keyId}, which is not trusted`);
  });

  it("a build signed by another deployment's key fails against this one's", async () => {
    const dir = writeBuild(renderArtifacts(staticSitePlan), newPrivateKeyPem());
    const result = await verify([dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`which is not trusted (trusted: ${keyId})`);
  });

  it("without a key to trust it stops with exit 2, and never makes a key", async () => {
    const dir = writeBuild(build);
    const absent = join(tmp, "absent", "signing-key.pem");
    const result = await verify([dir], { ATLAS_SIGNING_KEY_FILE: absent });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Cannot read signing key (ATLAS_SIGNING_KEY_FILE; pass --public-key to verify without it) ${absent}`);
    expect(existsSync(absent)).toBe(false);
  });

  it("a folder without ATLAS-SIGNATURE.json cannot be verified (exit 1); not a folder is exit 2", async () => {
    const dir = writeBuild(build);
    rmSync(join(dir, "ATLAS-SIGNATURE.json"));
    const unsigned = await verify([dir]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toContain(`no ATLAS-SIGNATURE.json in ${dir}: cannot verify`);
    const notFolder = await verify([join(tmp, "nothing-here")]);
    expect(notFolder.code).toBe(2);
    expect(notFolder.stderr).toContain("Not a folder");
  });

  it("usage errors exit 2: no folder, an unknown flag", async () => {
    expect((await verify([])).code).toBe(2);
    const unknown = await verify([tmp, "--sign"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option --sign");
  });
});
