import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { jsonSchemaOf, publishedSchemas, type SchemaName } from "../../schemas/index.js";
import { parseInput } from "../../lib/validation.js";

const names = Object.keys(publishedSchemas) as [SchemaName, ...SchemaName[]];

/** `GET /schemas` lists the published JSON Schemas; `GET /schemas/:name` serves one. */
export async function schemaRoutes(app: FastifyInstance): Promise<void> {
  app.get("/schemas", async () => ({ schemas: names.map((name) => ({ name, href: `/schemas/${name}` })) }));
  app.get("/schemas/:name", async (request, reply) => {
    const { name } = parseInput(z.object({ name: z.enum(names) }), request.params, "params");
    reply.type("application/schema+json");
    return jsonSchemaOf(name);
  });
}
