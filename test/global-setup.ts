import { run } from "./helpers/processes.js";
import { repoRoot } from "./helpers/tmp.js";

/**
 * Once per test run, before any test: brings dist/ up to date (`node scripts/build.mjs
 * --if-stale`, the incremental build `pnpm start` uses) and transpiles the replica test launcher
 * beside it, so tests that start the server or a CLI spawn compiled code (test/helpers/processes.ts).
 * Type errors do not stop the run: the JavaScript is written anyway and `pnpm typecheck` is the
 * place that reports them; a build that wrote nothing does.
 */
export default async function buildForProcessTests(): Promise<void> {
  const build = await run(process.execPath, ["scripts/build.mjs", "--if-stale", "--extra", "test/fixtures/replica-server.ts"], process.env, repoRoot);
  const output = `${build.stdout}${build.stderr}`.trim();
  if (build.code === 1 || build.code === null) throw new Error(`node scripts/build.mjs failed (exit ${build.code ?? build.signal}):\n${output}`);
  if (build.code === 2) console.warn(`dist/ was built with type errors (pnpm typecheck lists them); the tests run the JavaScript written:\n${output}`);
  else if (output) console.log(output);
}
