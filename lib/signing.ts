import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomUUID, sign, verify } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { AtlasError } from "./errors.js";

// Ed25519 signatures over a build's artifact digest. This module knows keys and signatures only;
// what a digest is (and how a folder of files is checked against a signature) belongs to the
// builder: nodes/builder/verify.ts.

/** One file of a signed build, as the signature file lists it. */
export interface SignedFile {
  path: string;
  sha256: string;
}

/**
 * A signature over an artifact digest. `signed` is the digest exactly as signed (the signature is
 * over its UTF-8 bytes); `public_key` is informational: a verifier checks with a key it trusts,
 * found by `key_id`, never with the key the signature brings along. `files` (in ATLAS-SIGNATURE.json)
 * lists each file's SHA-256 so a verifier can name the file that changed.
 */
export interface ArtifactSignature {
  algorithm: "ed25519";
  /** first 16 hex digits of the SHA-256 of the public key's SPKI DER */
  key_id: string;
  /** the signer's public key, SPKI PEM */
  public_key: string;
  /** the Ed25519 signature, base64 */
  signature: string;
  /** the artifact digest that was signed (hex SHA-256) */
  signed: string;
  files?: SignedFile[] | undefined;
}

/** Signs artifact digests with one Ed25519 private key. */
export interface Signer {
  keyId: string;
  /** the public key, to verify with */
  publicKey: KeyObject;
  /** SPKI PEM of the public key */
  publicKeyPem: string;
  sign(digest: string): ArtifactSignature;
}

/** The key id of a public key: the first 16 hex digits of the SHA-256 of its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex")
    .slice(0, 16);
}

/** A signer over a PKCS#8 PEM Ed25519 private key. */
export function signerFromPem(privatePem: string, source = "the signing key"): Signer {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privatePem);
  } catch (error) {
    throw new AtlasError("INTERNAL", `${source} is not a PEM private key: ${(error as Error).message}`, { cause: error });
  }
  if (privateKey.asymmetricKeyType !== "ed25519") throw new AtlasError("INTERNAL", `${source} is a ${privateKey.asymmetricKeyType} key, not ed25519`);
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  return {
    keyId,
    publicKey,
    publicKeyPem,
    sign: (digest) => ({
      algorithm: "ed25519",
      key_id: keyId,
      public_key: publicKeyPem,
      signature: sign(null, Buffer.from(digest, "utf8"), privateKey).toString("base64"),
      signed: digest,
    }),
  };
}

/** A new Ed25519 private key as PKCS#8 PEM. */
export function newPrivateKeyPem(): string {
  return generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

const isCode = (error: unknown, code: string) => (error as { code?: unknown } | null)?.code === code;

/**
 * Writes `pem` to `file` (mode 0600) unless the file already exists, and returns what the file
 * holds afterwards. The key goes to a temporary file first and is hard-linked into place, which
 * fails rather than overwrites: of two processes starting together, one key wins and both read it.
 */
export async function writeKeyOnce(file: string, pem: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, pem, { mode: 0o600, flag: "wx" });
  try {
    await link(temp, file);
  } catch (error) {
    if (!isCode(error, "EEXIST")) throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
  return readFile(file, "utf8");
}

/**
 * The signer for the key in `file` (ATLAS_SIGNING_KEY_FILE), creating the key when the file is
 * missing (see {@link writeKeyOnce}). Replicas of one deployment must all read the same key.
 * @throws AtlasError `INTERNAL` when the file holds something other than an Ed25519 private key
 */
export async function loadSigner(file: string): Promise<Signer> {
  let pem: string;
  try {
    pem = await readFile(file, "utf8");
  } catch (error) {
    if (!isCode(error, "ENOENT")) throw error;
    pem = await writeKeyOnce(file, newPrivateKeyPem());
  }
  return signerFromPem(pem, `signing key file ${file}`);
}

/**
 * A public key to trust, from PEM text: an SPKI public key, or a private key (its public part).
 * @throws AtlasError `VALIDATION_FAILED` when the text is neither, or the key is not Ed25519
 */
export function publicKeyFromPem(pem: string, source = "the key"): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new AtlasError("VALIDATION_FAILED", `${source} is not a PEM public or private key`, { cause: error });
  }
  if (key.asymmetricKeyType !== "ed25519") throw new AtlasError("VALIDATION_FAILED", `${source} is a ${key.asymmetricKeyType} key, not ed25519`);
  return key;
}

/**
 * Checks a signature's own claims, not the files: the algorithm, that its key is one of
 * `trusted` (by key id) and that the signature over `signed` holds with that trusted key.
 * @returns what failed, in words; empty when the signature is good
 */
export function signatureProblems(signature: ArtifactSignature, trusted: readonly KeyObject[]): string[] {
  if (signature.algorithm !== "ed25519") return [`signature algorithm "${signature.algorithm}" is not supported (only ed25519)`];
  const problems: string[] = [];
  const claimed = embeddedKeyId(signature.public_key);
  if (claimed !== signature.key_id) problems.push(`the signature's public_key (key ${claimed ?? "unreadable"}) is not key ${signature.key_id} it names`);
  const key = trusted.find((candidate) => keyIdOf(candidate) === signature.key_id);
  if (!key) {
    const ids = trusted.map(keyIdOf);
    problems.push(`signed by key ${signature.key_id}, which is not trusted (trusted: ${ids.length ? ids.join(", ") : "none"})`);
    return problems;
  }
  if (!verifies(signature, key)) {
    problems.push(`the signature does not verify: digest ${signature.signed} was not signed by key ${signature.key_id}`);
  }
  return problems;
}

/** Ed25519 verification; a malformed signature (wrong length) is simply not valid. */
function verifies(signature: ArtifactSignature, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(signature.signed, "utf8"), key, Buffer.from(signature.signature, "base64"));
  } catch {
    return false;
  }
}

function embeddedKeyId(pem: string): string | null {
  try {
    return keyIdOf(createPublicKey(pem));
  } catch {
    return null;
  }
}
