import { createHash, createPublicKey, verify } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ArtifactText, verifyArtifacts } from "../nodes/builder/verify.js";
import { makeTmpDir, removeTmpDir } from "../test/helpers/tmp.js";
import { type ArtifactSignature, keyIdOf, loadSigner, newPrivateKeyPem, publicKeyFromPem, signatureProblems, signerFromPem, writeKeyOnce } from "./signing.js";

const tmp = makeTmpDir("atlas-signing-");
afterAll(() => removeTmpDir(tmp));

const hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The digest as the builder defines it, written out here: SHA-256 over `<path>\0<sha256>\n` in path order. */
function digestOf(files: readonly ArtifactText[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) hash.update(`${file.path}\0${hex(file.content)}\n`);
  return hash.digest("hex");
}

const files: ArtifactText[] = [
  { path: "terraform/main.tf", content: 'resource "aws_s3_bucket" "site" {\n  bucket = "site"\n}\n' },
  { path: "README.md", content: "# Site\n\nDeploy with terraform apply.\n" },
  { path: "kubernetes/deployment.yaml", content: "apiVersion: apps/v1\nkind: Deployment\n" },
];

/** The signature as ATLAS-SIGNATURE.json carries it: with each file's SHA-256. */
function signed(signer = signerFromPem(newPrivateKeyPem()), over = files): ArtifactSignature {
  return { ...signer.sign(digestOf(over)), files: over.map((file) => ({ path: file.path, sha256: hex(file.content) })) };
}

describe("a signer", () => {
  const signer = signerFromPem(newPrivateKeyPem());

  it("signs the digest with Ed25519; the key id is the first 16 hex of the SHA-256 of the SPKI DER", () => {
    const digest = digestOf(files);
    const signature = signer.sign(digest);
    const publicKey = createPublicKey(signature.public_key);
    const der = publicKey.export({ type: "spki", format: "der" });
    expect(signature).toMatchObject({ algorithm: "ed25519", signed: digest, key_id: createHash("sha256").update(der).digest("hex").slice(0, 16) });
    expect(verify(null, Buffer.from(digest, "utf8"), publicKey, Buffer.from(signature.signature, "base64"))).toBe(true);
    expect(verify(null, Buffer.from(digestOf(files.slice(1)), "utf8"), publicKey, Buffer.from(signature.signature, "base64"))).toBe(false);
  });

  it("refuses a key that is not an Ed25519 private key", () => {
    expect(() => signerFromPem("not a key", "key file x")).toThrow(/key file x is not a PEM private key/);
    expect(() => publicKeyFromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "key y")).toThrow(/key y is not a PEM/);
  });

  it("a public key may be given as the private key's PEM (its public part) or as SPKI PEM", () => {
    const pem = newPrivateKeyPem();
    const own = signerFromPem(pem);
    expect(keyIdOf(publicKeyFromPem(pem))).toBe(own.keyId);
    expect(keyIdOf(publicKeyFromPem(own.publicKeyPem))).toBe(own.keyId);
  });
});

describe("verifyArtifacts", () => {
  const signer = signerFromPem(newPrivateKeyPem());
  const trusted = [signer.publicKey];
  const signature = signed(signer);

  it("accepts the files as signed", () => {
    const check = verifyArtifacts(files, signature, trusted);
    expect(check.problems).toEqual([]);
    expect(check).toMatchObject({ ok: true, files: 3, digest: digestOf(files), key_id: signer.keyId });
  });

  it("rejects one changed byte, naming the file", () => {
    const tampered = files.map((file) => (file.path === "terraform/main.tf" ? { ...file, content: file.content.replace('"site"', '"sitf"') } : file));
    const check = verifyArtifacts(tampered, signature, trusted);
    expect(check.ok).toBe(false);
    expect(check.changed).toEqual(["terraform/main.tf"]);
    expect(check.problems).toContain("changed: terraform/main.tf");
    expect(check.problems.some((problem) => problem.startsWith("digest differs"))).toBe(true);
  });

  it("rejects an added file and a removed file, naming them", () => {
    const added = verifyArtifacts([...files, { path: "terraform/extra.tf", content: "# more\n" }], signature, trusted);
    expect(added).toMatchObject({ ok: false, added: ["terraform/extra.tf"], changed: [], removed: [] });
    expect(added.problems).toContain("added: terraform/extra.tf");
    const removed = verifyArtifacts(
      files.filter((file) => file.path !== "README.md"),
      signature,
      trusted,
    );
    expect(removed).toMatchObject({ ok: false, removed: ["README.md"], changed: [], added: [] });
    expect(removed.problems).toContain("removed: README.md");
  });

  it("without the per-file list, a change is still caught: the digest differs", () => {
    const { files: _list, ...bare } = signature;
    const check = verifyArtifacts([...files.slice(1), { ...(files[0] as ArtifactText), content: "changed\n" }], bare, trusted);
    expect(check).toMatchObject({ ok: false, changed: [] });
    expect(check.problems).toEqual([`digest differs: the files hash to ${check.digest}, the signature signed ${digestOf(files)}`]);
  });

  it("rejects a signature by a key that is not trusted, naming both keys", () => {
    const stranger = signerFromPem(newPrivateKeyPem());
    const check = verifyArtifacts(files, signed(stranger), trusted);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([`signed by key ${stranger.keyId}, which is not trusted (trusted: ${signer.keyId})`]);
  });

  it("rejects a signature file whose digest, list and key were all rewritten but not re-signed", () => {
    const changed = files.map((file, i) => (i === 0 ? { ...file, content: `${file.content}# edited\n` } : file));
    const forged: ArtifactSignature = {
      ...signature,
      signed: digestOf(changed),
      files: changed.map((file) => ({ path: file.path, sha256: hex(file.content) })),
    };
    const check = verifyArtifacts(changed, forged, trusted);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([`the signature does not verify: digest ${digestOf(changed)} was not signed by key ${signer.keyId}`]);
  });

  it("rejects a per-file list edited to match the changed files", () => {
    const changed = files.map((file, i) => (i === 0 ? { ...file, content: `${file.content}# edited\n` } : file));
    const edited = { ...signature, files: changed.map((file) => ({ path: file.path, sha256: hex(file.content) })) };
    const check = verifyArtifacts(changed, edited, trusted);
    expect(check.ok).toBe(false);
    expect(check.problems[0]).toBe(`the per-file list does not hash to digest ${digestOf(files)}: the list was edited`);
  });

  it("signatureProblems refuses a public_key that is not the key named", () => {
    const other = signerFromPem(newPrivateKeyPem());
    expect(signatureProblems({ ...signature, public_key: other.publicKeyPem }, trusted)).toEqual([
      `the signature's public_key (key ${other.keyId}) is not key ${signer.keyId} it names`,
    ]);
  });
});

describe("the key file", () => {
  it("is created at first use with mode 0600 and read back afterwards", async () => {
    const file = join(tmp, "first", "signing-key.pem");
    const first = await loadSigner(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toContain("BEGIN PRIVATE KEY");
    expect((await loadSigner(file)).keyId).toBe(first.keyId);
  });

  it("is never overwritten: the second writer reads the first writer's key", async () => {
    const file = join(tmp, "once.pem");
    const a = newPrivateKeyPem();
    const b = newPrivateKeyPem();
    expect(await writeKeyOnce(file, a)).toBe(a);
    expect(await writeKeyOnce(file, b)).toBe(a);
    expect(readFileSync(file, "utf8")).toBe(a);
  });

  it("two loaders racing on a missing file end with one key, and no temporary files are left", async () => {
    for (let round = 0; round < 5; round++) {
      const dir = join(tmp, `race-${round}`);
      const file = join(dir, "signing-key.pem");
      const signers = await Promise.all([loadSigner(file), loadSigner(file), loadSigner(file), loadSigner(file)]);
      expect(new Set(signers.map((s) => s.keyId)).size).toBe(1);
      expect(keyIdOf(publicKeyFromPem(readFileSync(file, "utf8")))).toBe(signers[0]?.keyId);
      expect(readdirSync(dir)).toEqual(["signing-key.pem"]);
    }
  });

  it("a file that holds no key stops the loader with the file named", async () => {
    const file = join(tmp, "broken.pem");
    writeFileSync(file, "garbage\n");
    await expect(loadSigner(file)).rejects.toThrow(`signing key file ${file} is not a PEM private key`);
  });
});
