import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildConfig, buildInputs, defaultOutDir, repoRoot, sourceFolders, staleReason, stampPath, stampText } from "./build-state.mjs";

/**
 * `pnpm build`: the one build of the server and the CLIs, used by `pnpm install` (prepare),
 * `pnpm start` (scripts/run.mjs, when dist/ is stale), the test run (test/global-setup.ts) and the
 * Dockerfile. tsc on tsconfig.build.json, incremental (dist/.tsbuildinfo), then beside the output
 * what the compiled code reads relative to itself: migrations/ (lib/db/migrate.ts) and package.json
 * (the OpenAPI version).
 *
 * Exit codes are tsc's: 0 built without errors; 2 type errors, printed, but the JavaScript was
 * written (tsc emits anyway, and tsx would have run it): callers decide; 1 nothing usable was
 * built (or a wrong argument).
 */
const USAGE = `usage: node scripts/build.mjs [--out-dir DIR] [--if-stale] [--extra FILE.ts ...]
  --out-dir DIR  write there instead of dist/ (its own incremental state)
  --if-stale     do nothing when the last build without errors is newer than every source
  --extra FILE   also transpile this entry point outside the build (a test launcher) beside it
`;

/**
 * Writes through a temporary file and a rename, so that a process loading dist/ while it is
 * being rebuilt (a test run beside another, a second start) reads a whole old file or a whole
 * new one, never half of one.
 */
function writeAtomically(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

async function loadTypescript() {
  try {
    return (await import("typescript")).default;
  } catch {
    throw new Error("the build needs TypeScript, a dev dependency: run `pnpm install` (without --prod)");
  }
}

/** tsc's incremental compile of tsconfig.build.json into `outDir`; returns 0, 1 or 2 as tsc does. */
function compile(ts, outDir) {
  let fatal;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    buildConfig,
    { outDir, tsBuildInfoFile: join(outDir, ".tsbuildinfo") },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        fatal = diagnostic;
      },
    },
  );
  const formatHost = { getCanonicalFileName: (name) => name, getCurrentDirectory: () => repoRoot, getNewLine: () => ts.sys.newLine };
  const report = (diagnostics) => {
    if (!diagnostics.length) return;
    const format = process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
    process.stdout.write(format(diagnostics, formatHost));
    const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
    process.stdout.write(`\nFound ${errors} error${errors === 1 ? "" : "s"}.\n`);
  };
  if (!parsed) {
    report([fatal]);
    return { code: 1, fileNames: [] };
  }
  const host = ts.createIncrementalCompilerHost(parsed.options);
  host.writeFile = writeAtomically;
  const program = ts.createIncrementalProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
    projectReferences: parsed.projectReferences,
    host,
  });
  // the order tsc reports in: a broken configuration or syntax first, types only after
  const diagnostics = [...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics()];
  if (!diagnostics.length) diagnostics.push(...program.getGlobalDiagnostics(), ...program.getSemanticDiagnostics());
  const emitted = program.emit(undefined, writeAtomically);
  diagnostics.push(...emitted.diagnostics);
  report(ts.sortAndDeduplicateDiagnostics(diagnostics));
  const errors = diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error);
  return { code: emitted.emitSkipped ? 1 : errors ? 2 : 0, fileNames: parsed.fileNames };
}

/** Makes `outDir/migrations` hold exactly the repository's migrations: a removed one must not be applied. */
function copyMigrations(outDir) {
  const from = join(repoRoot, "migrations");
  const to = join(outDir, "migrations");
  const names = new Set(readdirSync(from));
  for (const name of names) writeAtomically(join(to, name), readFileSync(join(from, name)));
  for (const name of readdirSync(to)) if (!names.has(name)) rmSync(join(to, name), { recursive: true, force: true });
}

/** Removes compiled files whose source is gone (tsc never deletes an output), so nothing can import a deleted module. */
function pruneOrphans(outDir, fileNames) {
  const sources = new Set(fileNames.map((name) => relative(repoRoot, resolve(name)).replace(/\.ts$/, "")));
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const stem = relative(outDir, path).replace(/\.js(\.map)?$/, "");
        if (stem !== relative(outDir, path) && !sources.has(stem)) rmSync(path, { force: true });
      }
    }
  };
  for (const folder of sourceFolders()) if (existsSync(join(outDir, folder))) walk(join(outDir, folder));
}

/**
 * Transpiles entry points that are not part of the build (the replica test launcher) file by file
 * (tsconfig's isolatedModules makes that equivalent), beside the build, so their relative imports
 * land on the compiled modules. Their types are checked by `pnpm typecheck`, not here.
 */
async function transpileExtras(outDir, files) {
  const stale = files.filter((file) => {
    const out = statSync(join(outDir, file.replace(/\.ts$/, ".js")), { throwIfNoEntry: false });
    return !out || statSync(join(repoRoot, file)).mtimeMs > out.mtimeMs;
  });
  if (!stale.length) return 0;
  const ts = await loadTypescript();
  for (const file of stale) {
    const output = ts.transpileModule(readFileSync(join(repoRoot, file), "utf8"), {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true },
    });
    if (output.diagnostics?.length) {
      process.stdout.write(
        ts.formatDiagnostics(output.diagnostics, { getCanonicalFileName: (n) => n, getCurrentDirectory: () => repoRoot, getNewLine: () => "\n" }),
      );
      return 1;
    }
    writeAtomically(join(outDir, file.replace(/\.ts$/, ".js")), output.outputText);
  }
  return 0;
}

/** Builds into `outDir` (see the top of this file); returns the exit code. */
export async function build({ outDir = defaultOutDir, ifStale = false, extras = [] } = {}) {
  const startedAt = Date.now();
  const inputs = buildInputs();
  const reason = staleReason(outDir, inputs);
  if (ifStale && reason === null) return transpileExtras(outDir, extras);
  const ts = await loadTypescript();
  // tsc's incremental state does not notice outputs deleted behind its back (it would emit nothing)
  if (!existsSync(join(outDir, "app", "main.js"))) rmSync(join(outDir, ".tsbuildinfo"), { force: true });
  const { code, fileNames } = compile(ts, outDir);
  if (code === 1) return 1;
  copyMigrations(outDir);
  writeAtomically(join(outDir, "package.json"), readFileSync(join(repoRoot, "package.json")));
  // the image links it onto the PATH as `atlas`
  chmodSync(join(outDir, "app", "cli", "atlas.js"), 0o755);
  pruneOrphans(outDir, fileNames);
  const extrasCode = await transpileExtras(outDir, extras);
  if (extrasCode !== 0) return extrasCode;
  // a build with type errors is done again next time, so that they are shown again
  writeAtomically(stampPath(outDir), stampText(startedAt, inputs, code === 2));
  process.stderr.write(`built ${relative(repoRoot, outDir) || "."}/ in ${((Date.now() - startedAt) / 1000).toFixed(1)} s${reason ? ` (${reason})` : ""}\n`);
  return code;
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: { "out-dir": { type: "string" }, "if-stale": { type: "boolean" }, extra: { type: "string", multiple: true }, help: { type: "boolean" } },
    }));
  } catch (error) {
    process.stderr.write(`error: ${error.message}\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const outDir = values["out-dir"] ? resolve(values["out-dir"]) : defaultOutDir;
  return build({ outDir, ifStale: values["if-stale"] === true, extras: values.extra ?? [] });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(repoRoot, "scripts", "build.mjs")) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`build: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
