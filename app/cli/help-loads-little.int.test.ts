import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, runTs } from "../../test/helpers/processes.js";
import { makeTmpDir, removeTmpDir } from "../../test/helpers/tmp.js";

// `--help` and a usage error answer without loading what the command would run on: the
// embedded database, LangChain and the graph, the Kubernetes schemas. Checked by what the
// process imported (a module loader hook writes each URL to a file), not by how long it took.

/** Loader hooks (Node runs them off the main thread) appending every module URL loaded to $ATLAS_TEST_IMPORTS. */
const HOOKS = `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  appendFileSync(process.env.ATLAS_TEST_IMPORTS, url + "\\n");
  return next(url, context);
}`;
const REGISTER = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;
const PRELOAD = `--import=data:text/javascript,${encodeURIComponent(REGISTER)}`;

/** Modules that only running the command needs. */
const HEAVY = [/@electric-sql\/pglite/, /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(@langchain\/|langchain\/)/, /kubernetes-models/, /\/app\/deps\.[jt]s$/];

let dir: string;
beforeAll(() => {
  dir = makeTmpDir("atlas-cli-imports-");
});
afterAll(() => removeTmpDir(dir));

describe("a CLI's --help and usage errors load none of what the command runs on", () => {
  it.each([
    ["app/cli/keys.ts", ["--help"], 0],
    ["app/cli/keys.ts", ["list", "--roles", "admin"], 2],
    ["app/cli/migrate.ts", ["--help"], 0],
    ["app/cli/ingest.ts", ["--help"], 0],
    ["app/cli/ingest.ts", ["/no/such/folder"], 2],
    ["app/cli/search.ts", ["--help"], 0],
    ["app/cli/plan.ts", ["--help"], 0],
    ["app/cli/plan.ts", ["goal.json", "--approve"], 2],
    ["app/cli/plan.ts", ["a web API in eu-west-1", "--answer", "budget"], 2],
    ["app/cli/runs.ts", ["--help"], 0],
    ["app/cli/runs.ts", ["--limit", "0"], 2],
    ["app/cli/approve.ts", ["--help"], 0],
    ["app/cli/approve.ts", ["th-1", "--reject", "--revise", "smaller"], 2],
    ["app/cli/answer.ts", ["--help"], 0],
    ["app/cli/answer.ts", ["th-1"], 2],
    ["app/cli/validate.ts", ["--help"], 0],
    ["app/cli/validate.ts", [".", "--env", "qa"], 2],
    ["app/cli/prices.ts", ["--help"], 0],
    ["app/cli/prices.ts", ["refresh", "--region", "mars-north-1"], 2],
    ["app/cli/schemas.ts", ["--help"], 0],
    ["app/cli/atlas.ts", ["keys", "--help"], 0],
    ["app/cli/atlas.ts", ["answer", "--help"], 0],
  ] as const)("%s %j", async (script, args, code) => {
    const record = join(dir, `${script.replace(/\W/g, "-")}-${args.join("-").replace(/\W/g, "-")}.txt`);
    const result = await runTs(script, [...args], childEnv({ ATLAS_DATA_DIR: join(dir, "unused"), ATLAS_TEST_IMPORTS: record, NODE_OPTIONS: PRELOAD }));
    expect(result.code, result.stderr).toBe(code);
    const loaded = readFileSync(record, "utf8").trim().split("\n");
    // the hook saw the command itself: the record is of this process
    expect(loaded.some((url) => url.includes(script.replace(/\.ts$/, "")))).toBe(true);
    expect(loaded.filter((url) => HEAVY.some((pattern) => pattern.test(url)))).toEqual([]);
  });
});
