import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jsonSchemaOf, publishedSchemas, type SchemaName } from "../../schemas/index.js";

/** `pnpm schemas`: writes schemas/<name>.json for every published schema. */
const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schemas");
for (const name of Object.keys(publishedSchemas) as SchemaName[]) {
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`);
  console.log(`wrote schemas/${name}.json`);
}
