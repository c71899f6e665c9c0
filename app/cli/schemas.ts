import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SchemaName } from "../../schemas/index.js";
import { isMain, parseCli, runMain } from "./args.js";

const usage = (command: string) => `usage: ${command}
  Writes schemas/<name>.json for every published schema (GoalStatement, PlanSpec, ...) from the zod schemas.`;

/** `pnpm schemas`: writes schemas/<name>.json for every published schema; returns the exit code. */
export async function main(argv: string[], command = "pnpm schemas"): Promise<number> {
  const args = parseCli(argv, { usage: usage(command), options: {} });
  if (typeof args === "number") return args;
  const { jsonSchemaOf, publishedSchemas } = await import("../../schemas/index.js");
  const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schemas");
  for (const name of Object.keys(publishedSchemas) as SchemaName[]) {
    writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`);
    console.log(`wrote schemas/${name}.json`);
  }
  return 0;
}

if (isMain(import.meta.url)) runMain(main);
