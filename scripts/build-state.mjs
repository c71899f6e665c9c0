import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Whether the compiled build in dist/ still matches the sources, without compiling anything.
 * Plain JavaScript with no dependencies: `scripts/run.mjs` asks this before every `pnpm start`,
 * so it must run before there is a build and cost milliseconds when the build is fresh.
 */

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The TypeScript project of the server and the CLIs. */
export const buildConfig = join(repoRoot, "tsconfig.build.json");
/** Where `pnpm build` writes. */
export const defaultOutDir = join(repoRoot, "dist");
/** Written into the output folder after a build: when it started, what it read, whether it had type errors. */
const STAMP = ".build-stamp.json";

/** Folders of the build's sources: the first segment of each `include` pattern of tsconfig.build.json. */
export function sourceFolders() {
  const config = JSON.parse(readFileSync(buildConfig, "utf8"));
  return [...new Set(config.include.map((pattern) => pattern.split("/")[0]))];
}

/** Files outside the source folders whose change changes the build: its definition and what it copies. */
const BUILD_FILES = ["package.json", "tsconfig.json", "tsconfig.build.json", "scripts/build.mjs", "scripts/build-state.mjs"];

/**
 * Every input of the build (relative to the root) with its modification time: the TypeScript
 * sources the build compiles (test files excluded), the migrations it copies, and BUILD_FILES.
 * @returns a map from path to mtime in milliseconds
 */
export function buildInputs() {
  const inputs = new Map();
  const add = (path, stat) => inputs.set(relative(repoRoot, path), stat.mtimeMs);
  const walk = (dir, wanted) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, wanted);
      else if (wanted(entry.name)) add(path, statSync(path));
    }
  };
  for (const folder of sourceFolders()) {
    const dir = join(repoRoot, folder);
    if (existsSync(dir)) walk(dir, (name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));
  }
  walk(join(repoRoot, "migrations"), () => true);
  for (const file of BUILD_FILES) {
    const stat = statSync(join(repoRoot, file), { throwIfNoEntry: false });
    if (stat) add(join(repoRoot, file), stat);
  }
  return inputs;
}

/**
 * Why the build in `outDir` is out of date, or null when it is not: no finished build, one with
 * type errors (built again until they are fixed), its entry point missing, a source added or
 * removed since, or one changed after the build started. Modification times decide, as make
 * does: a file copied in with an older time is not seen.
 */
export function staleReason(outDir = defaultOutDir, inputs = buildInputs()) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(outDir, STAMP), "utf8"));
  } catch {
    return "no finished build";
  }
  if (stamp.typeErrors) return "the last build had type errors";
  if (!existsSync(join(outDir, "app", "main.js"))) return "app/main.js missing";
  const before = new Set(stamp.inputs);
  for (const [path, mtime] of inputs) {
    if (!before.has(path)) return `${path} added`;
    if (mtime > stamp.startedAt) return `${path} changed`;
  }
  if (before.size !== inputs.size) return `${stamp.inputs.find((path) => !inputs.has(path))} removed`;
  return null;
}

/** The stamp's file, for the build to write once it finished without errors. */
export function stampPath(outDir) {
  return join(outDir, STAMP);
}

/** What the stamp says: the build started at `startedAt` (ms), read `inputs` and had type errors or not. */
export function stampText(startedAt, inputs, typeErrors = false) {
  return `${JSON.stringify({ startedAt, typeErrors, inputs: [...inputs.keys()].sort() })}\n`;
}
