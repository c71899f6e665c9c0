import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { jsonSchemaOf, publishedSchemas, type SchemaName } from "../../schemas/index.js";
import { errors, json, media } from "../responses.js";

const names = Object.keys(publishedSchemas) as [SchemaName, ...SchemaName[]];

export const schemaListSchema = z.object({ schemas: z.array(z.object({ name: z.string(), href: z.string() })) });

/** `GET /schemas` lists the published JSON Schemas; `GET /schemas/:name` serves one. */
export const schemaRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/schemas",
    { schema: { tags: ["schemas"], summary: "The published JSON Schemas", response: { 200: json(schemaListSchema, "OK") } }, config: { role: "viewer" } },
    async () => ({ schemas: names.map((name) => ({ name, href: `/schemas/${name}` })) }),
  );
  app.get(
    "/schemas/:name",
    {
      schema: {
        tags: ["schemas"],
        summary: "One published JSON Schema (draft 2020-12), describing accepted input",
        params: z.object({ name: z.enum(names) }),
        response: { 200: media("application/schema+json", "The schema", z.record(z.string(), z.unknown())), 400: errors.invalid },
      },
      config: { role: "viewer" },
    },
    async (request, reply) => {
      reply.type("application/schema+json");
      return jsonSchemaOf(request.params.name);
    },
  );
};
