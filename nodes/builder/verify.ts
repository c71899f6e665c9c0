import type { KeyObject } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { AtlasError } from "../../lib/errors.js";
import { type ArtifactSignature, type SignedFile, signatureProblems } from "../../lib/signing.js";
import { artifactSignatureSchema } from "../../schemas/reports.js";
import { artifactDigest, sha256 } from "./engine.js";

// Checks a build's files against its digest and signature, with the builder's own digest
// functions (engine.ts): what the apply node runs before it commits and `pnpm verify` runs on a
// folder. lib/signing.ts knows only keys and signatures.

/** The signature file at the root of a committed or downloaded build. */
export const SIGNATURE_FILE = "ATLAS-SIGNATURE.json";
/** The archive's manifest (GET .../artifacts.tar.gz): not an artifact, so not verified. */
export const MANIFEST_FILE = "MANIFEST.json";

/**
 * ATLAS-SIGNATURE.json's text: the signature with each file's path and SHA-256 (in path order),
 * so a verifier can name a changed file. What apply commits and the archive download packs.
 */
export function signatureDocument(signature: ArtifactSignature, files: readonly SignedFile[]): string {
  const listed = files.map(({ path, sha256 }) => ({ path, sha256 })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return `${JSON.stringify({ ...signature, files: listed }, null, 2)}\n`;
}

/** A file as it is now: its path in the build and its text. */
export interface ArtifactText {
  path: string;
  content: string;
}

/** What a check found. `ok` only when nothing failed; `problems` says what did, in words. */
export interface ArtifactCheck {
  ok: boolean;
  /** files checked */
  files: number;
  /** the digest of the files as they are now */
  digest: string;
  /** the digest they should have (signed, or recorded by the builder) */
  expected: string;
  /** the key that signed, when a signature was checked */
  key_id: string | null;
  /** files whose content differs from the list (known only when a per-file list is at hand) */
  changed: string[];
  added: string[];
  removed: string[];
  problems: string[];
}

/**
 * Recomputes every file's SHA-256 and the digest exactly as the builder does, and compares them
 * with `expected`. A digest alone cannot say which file changed; with `expected.files` (each
 * path's SHA-256) the changed, added and removed files are named, once that list is shown to
 * hash to the expected digest itself.
 */
export function checkContents(
  files: readonly ArtifactText[],
  expected: { digest: string; files?: readonly SignedFile[] | undefined },
  label = "the build recorded",
): ArtifactCheck {
  const actual = files.map((file) => ({ path: file.path, sha256: sha256(file.content) }));
  const digest = artifactDigest(actual);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const file of actual) {
    if (seen.has(file.path)) problems.push(`${file.path} is listed twice`);
    seen.add(file.path);
  }
  let diff = { changed: [] as string[], added: [] as string[], removed: [] as string[] };
  if (expected.files) {
    if (artifactDigest(expected.files) !== expected.digest) problems.push(`the per-file list does not hash to digest ${expected.digest}: the list was edited`);
    else diff = compareLists(actual, expected.files);
  }
  if (digest !== expected.digest) {
    problems.push(`digest differs: the files hash to ${digest}, ${label} ${expected.digest}`);
    if (diff.changed.length) problems.push(`changed: ${diff.changed.join(", ")}`);
    if (diff.added.length) problems.push(`added: ${diff.added.join(", ")}`);
    if (diff.removed.length) problems.push(`removed: ${diff.removed.join(", ")}`);
  }
  return { ok: problems.length === 0, files: files.length, digest, expected: expected.digest, key_id: null, ...diff, problems };
}

function compareLists(actual: readonly SignedFile[], listed: readonly SignedFile[]) {
  const now = new Map(actual.map((file) => [file.path, file.sha256]));
  const then = new Map(listed.map((file) => [file.path, file.sha256]));
  return {
    changed: [...now].filter(([path, hash]) => then.has(path) && then.get(path) !== hash).map(([path]) => path),
    added: [...now.keys()].filter((path) => !then.has(path)),
    removed: [...then.keys()].filter((path) => !now.has(path)),
  };
}

/**
 * Verifies files against a signature: their digest is the one signed, the signature holds, and
 * its key is one of `trusted`. Pure: the caller reads the files and chooses the keys.
 */
export function verifyArtifacts(files: readonly ArtifactText[], signature: ArtifactSignature, trusted: readonly KeyObject[]): ArtifactCheck {
  const contents = checkContents(files, { digest: signature.signed, files: signature.files }, "the signature signed");
  const problems = [...signatureProblems(signature, trusted), ...contents.problems];
  return { ...contents, key_id: signature.key_id, ok: problems.length === 0, problems };
}

/**
 * Verifies a folder of artifacts (a committed plan folder, or an unpacked archive) against its
 * ATLAS-SIGNATURE.json: every file under `dir` but that file and MANIFEST.json at its root.
 * A file that is not valid UTF-8 cannot be what the builder wrote, and fails on its own.
 * @throws AtlasError `VALIDATION_FAILED` when `dir` is not a folder
 */
export async function verifyFolder(dir: string, options: { trusted: readonly KeyObject[] }): Promise<ArtifactCheck> {
  const found = await stat(dir).catch(() => null);
  if (!found?.isDirectory()) throw new AtlasError("VALIDATION_FAILED", `Not a folder: ${dir}`, { issues: [{ path: "dir", message: "not a folder" }] });
  const read = await readFolder(dir);
  const files = read.filter((file) => file.path !== SIGNATURE_FILE && file.path !== MANIFEST_FILE);
  const failed = (problem: string): ArtifactCheck => ({
    ok: false,
    files: files.length,
    digest: artifactDigest(files.map((file) => ({ path: file.path, sha256: sha256(file.content) }))),
    expected: "",
    key_id: null,
    changed: [],
    added: [],
    removed: [],
    problems: [problem],
  });
  const signatureFile = read.find((file) => file.path === SIGNATURE_FILE);
  if (!signatureFile) return failed(`no ${SIGNATURE_FILE} in ${dir}: cannot verify`);
  let json: unknown;
  try {
    json = JSON.parse(signatureFile.content);
  } catch {
    return failed(`${SIGNATURE_FILE} is not JSON`);
  }
  const parsed = artifactSignatureSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return failed(`${SIGNATURE_FILE} is not a signature: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  const check = verifyArtifacts(files, parsed.data, options.trusted);
  const notText = files.filter((file) => !file.utf8).map((file) => file.path);
  if (!notText.length) return check;
  return { ...check, ok: false, problems: [...check.problems, `not valid UTF-8 (the builder writes only UTF-8): ${notText.join(", ")}`] };
}

/** Every file under `dir`, with its path relative to `dir` (`/`-separated), in no particular order. */
async function readFolder(dir: string, prefix = ""): Promise<(ArtifactText & { utf8: boolean })[]> {
  const out: (ArtifactText & { utf8: boolean })[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      out.push(...(await readFolder(dir, path)));
      continue;
    }
    // a link or another special file is read through: its target's bytes are what a reader would get
    const bytes = await readFile(join(dir, path));
    const content = bytes.toString("utf8");
    out.push({ path, content, utf8: Buffer.from(content, "utf8").equals(bytes) });
  }
  return out;
}
