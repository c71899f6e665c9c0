import { readFileSync } from "node:fs";
import swagger, { type SwaggerTransformObject } from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from "fastify-type-provider-zod";
import { settleComponentNames } from "./component-names.js";
import { COMPONENT_NAMES, componentRegistry, PUBLISHED_COMPONENTS } from "./components.js";
import type { AnnouncedRoutes } from "./documented-routes.js";
import { describeAccess } from "./operation.js";

type OpenApiObject = { paths?: Record<string, Record<string, unknown>>; components?: { schemas?: Record<string, unknown> } };

/**
 * HEAD operations mirror their GET. @fastify/swagger leaves out the HEAD routes Fastify adds
 * for each GET, but not a route declared for both methods at once (@fastify/static's); drop
 * those too, so HEAD is left out the same way everywhere.
 */
function withoutHead(document: OpenApiObject): OpenApiObject {
  const paths = Object.fromEntries(
    Object.entries(document.paths ?? {}).map(([path, item]) => [path, Object.fromEntries(Object.entries(item).filter(([method]) => method !== "head"))]),
  );
  return { ...document, paths };
}

const packageVersion = (() => {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string }).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
})();

/** The tags operations are grouped under, in the order the docs page shows them. */
const TAGS = [
  { name: "planning", description: "Design, build and validate a goal; approve, apply, roll back; read a thread" },
  { name: "retrieval", description: "Search the runbooks and get grounded advice" },
  { name: "validation", description: "The validator on IaC that Atlas did not write" },
  { name: "schemas", description: "The published JSON Schemas" },
  { name: "admin", description: "Keys, budgets and the audit log of the caller's tenant" },
  { name: "auth", description: "Who the calling API key is: its name, tenant and roles" },
  { name: "console", description: "The approval console: a page for people, its scripts and styles (GET /console)" },
  { name: "slack", description: "Slash commands from Slack" },
  { name: "health", description: "Liveness and readiness" },
  { name: "operations", description: "Metrics and this description" },
  { name: "docs", description: "The docs page (Swagger UI, served by Atlas itself)" },
];

/**
 * Collects every route registered from now on into an OpenAPI 3.1 document (`app.swagger()`),
 * with @fastify/swagger and the zod type provider's transforms: bodies, parameters and responses
 * are JSON Schema of the zod schemas the routes declare, named ones as components. Register it
 * before any route. `serverUrl` is where people reach Atlas (PUBLIC_BASE_URL); `announced` names
 * each route's URL (see documented-routes.ts).
 */
export async function registerOpenApi(app: FastifyInstance, options: { serverUrl: string; announced: AnnouncedRoutes }): Promise<void> {
  const schemaRegistry = componentRegistry();
  const toObject = createJsonSchemaTransformObject({ schemaRegistry });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Atlas",
        version: packageVersion,
        description:
          "Self-hostable infrastructure-architect agent server. Errors have one shape: `{ error: { code, message, issues } }`; a 4xx names the wrong field (`goal.slo.availability`).",
      },
      servers: [{ url: options.serverUrl }],
      security: [{ bearerAuth: [] }],
      tags: TAGS,
      components: {
        securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An Atlas API key: `atlas_<random>`" } },
      },
    },
    transform: describeAccess(createJsonSchemaTransform({ schemaRegistry }), options.announced),
    transformObject: (document) => {
      const settled = settleComponentNames(withoutHead(toObject(document) as OpenApiObject), COMPONENT_NAMES, PUBLISHED_COMPONENTS);
      return settled as ReturnType<SwaggerTransformObject>;
    },
  });
}
