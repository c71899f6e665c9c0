import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Folder of the small runbook fixtures under test/fixtures/runbooks. */
export const fixtureRunbooksDir = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "runbooks");

/** The repository root (where package.json is). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A new empty temporary folder. */
export function makeTmpDir(prefix = "atlas-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a temporary folder and everything in it. */
export function removeTmpDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** Copies the runbook fixtures to `<parent>/<name>` so a test may change them; returns that folder. */
export function copyFixtureRunbooks(parent: string, name = "runbooks"): string {
  const target = join(parent, name);
  cpSync(fixtureRunbooksDir, target, { recursive: true });
  return target;
}
