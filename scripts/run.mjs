import { spawnSync } from "node:child_process";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { defaultOutDir, repoRoot, staleReason } from "./build-state.mjs";

/**
 * `node scripts/run.mjs <entry.ts> [args...]`: runs the compiled JavaScript of a TypeScript entry
 * point from dist/ in this process (`pnpm start` is `run.mjs app/main.ts`), building first when
 * dist/ is stale. Plain JavaScript, so it works before any build exists (a fresh clone's first
 * `pnpm start`). `pnpm dev` keeps tsx, which transpiles on every start and watches.
 *
 * Source maps are off, as in the image: they cost memory (about 15 MiB for the server) and make
 * every error's stack slower to build. `NODE_OPTIONS=--enable-source-maps` names TypeScript lines.
 */
const [entry, ...args] = process.argv.slice(2);
if (!entry?.endsWith(".ts")) {
  process.stderr.write("usage: node scripts/run.mjs <entry.ts> [args...]\n");
  process.exit(2);
}
// the entry is named from the repository root, wherever the command is run from
const compiled = join(defaultOutDir, relative(repoRoot, resolve(repoRoot, entry)).replace(/\.ts$/, ".js"));

const stale = staleReason();
if (stale) {
  process.stderr.write(`dist/ is out of date (${stale}): building it\n`);
  // the build prints on stderr only: a command's stdout may be JSON for a script
  const built = spawnSync(process.execPath, [join(repoRoot, "scripts", "build.mjs")], { stdio: ["ignore", 2, 2] });
  if (built.status === 2) {
    process.stderr.write("the build has type errors (above; `pnpm typecheck` lists them): running the JavaScript it wrote anyway\n");
  } else if (built.status !== 0) {
    process.stderr.write(`the build failed (${built.error?.message ?? `exit ${built.status ?? built.signal}`}): nothing to run\n`);
    process.exit(1);
  }
}

// the entry sees itself as the script node started (the CLIs run their `main` only then)
process.argv = [process.argv[0] ?? process.execPath, compiled, ...args];
await import(pathToFileURL(compiled).href);
