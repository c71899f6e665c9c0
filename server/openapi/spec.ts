import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { componentSchemas, type OperationDoc, operations } from "./operations.js";

/** A route as Fastify registered it. */
export interface RegisteredRoute {
  method: string;
  /** Fastify's pattern, e.g. `/architect/plan/:thread_id` */
  url: string;
  public: boolean;
}

/** Served without a key whatever their route config says (the auth plugin's own exceptions). */
const ALWAYS_PUBLIC = new Set(["/healthz", "/readyz"]);

/**
 * Records every route registered on `app` from now on (call it before registering routes).
 * HEAD routes Fastify adds for each GET are left out: they mirror the GET.
 */
export function collectRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === "HEAD") continue;
      if (routes.some((r) => r.method === method && r.url === route.url)) continue;
      routes.push({ method, url: route.url, public: route.config?.public === true || ALWAYS_PUBLIC.has(route.url) });
    }
  });
  return routes;
}

/** `/architect/plan/:thread_id/artifacts/*` → `/architect/plan/{thread_id}/artifacts/{path}` */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, "{$1}").replace(/\*$/, "{path}");
}

const operationId = (method: string, url: string) =>
  `${method.toLowerCase()}_${url.replace(/[:*]/g, "").replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "") || "root"}`;

const packageVersion = (() => {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string }).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
})();

type JsonObject = Record<string, unknown>;

/** JSON Schema of a zod schema for a parameter (inline, no `$schema`). */
function inlineSchema(schema: z.ZodType): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonObject;
  return rest;
}

/**
 * The OpenAPI 3.1 description of `routes`: bodies, parameters and responses are JSON Schema
 * generated from the zod schemas the routes parse with (`z.toJSONSchema`), shared ones as
 * components. A route with no entry in `operations` is still listed, marked undescribed.
 */
export function buildOpenApi(routes: RegisteredRoute[], options: { serverUrl?: string } = {}): JsonObject {
  // Every zod schema an operation uses gets a component id, so the whole set converts in one
  // pass and nested published schemas (GoalStatement inside PlanRequest) become $refs.
  const registry = z.registry<{ id: string }>();
  const ids = new Map<z.ZodType, string>();
  const idOf = (schema: z.ZodType, fallback: string) => {
    let id = ids.get(schema);
    if (!id) {
      id = fallback;
      ids.set(schema, id);
      registry.add(schema, { id });
    }
    return id;
  };
  for (const [name, schema] of Object.entries(componentSchemas)) idOf(schema, name);

  const paths: Record<string, Record<string, JsonObject>> = {};
  const tags = new Set<string>();
  for (const route of [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))) {
    const key = `${route.method} ${route.url}`;
    const doc: OperationDoc | undefined = operations[key];
    const id = operationId(route.method, route.url);
    const ref = (schema: z.ZodType, suffix: string) => ({ $ref: `#/components/schemas/${idOf(schema, `${id}_${suffix}`)}` });
    const tag = doc?.tag ?? "undescribed";
    tags.add(tag);

    const pathParams = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
    if (route.url.endsWith("*")) pathParams.push("path");
    const shape = (doc?.params?.shape ?? {}) as Record<string, z.ZodType>;
    const parameters = pathParams.map((name) => ({
      name,
      in: "path",
      required: true,
      schema: shape[name] ? inlineSchema(shape[name]) : { type: "string" },
    }));

    const responses: Record<string, JsonObject> = {};
    for (const [status, response] of Object.entries(doc?.responses ?? { default: { description: "Not described yet" } })) {
      const contentType = response.contentType ?? "application/json";
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { [contentType]: { schema: ref(response.schema, `${status}`) } } }
          : response.contentType
            ? { content: { [contentType]: { schema: { type: "string" } } } }
            : {}),
      };
    }
    if (!route.public) responses["401"] ??= { description: "Missing or unknown API key", content: { "application/json": { schema: ref(componentSchemas.Error as z.ZodType, "401") } } };

    const operation: JsonObject = {
      operationId: id,
      summary: doc?.summary ?? `${route.method} ${route.url}`,
      ...(doc?.description ? { description: doc.description } : {}),
      ...(doc ? {} : { "x-undescribed": true }),
      tags: [tag],
      ...(parameters.length ? { parameters } : {}),
      ...(doc?.body
        ? { requestBody: { required: true, content: { [doc.bodyContentType ?? "application/json"]: { schema: ref(doc.body, "body") } } } }
        : {}),
      responses,
      ...(route.public ? { security: [] } : {}),
    };
    const path = openApiPath(route.url);
    paths[path] ??= {};
    (paths[path] as Record<string, JsonObject>)[route.method.toLowerCase()] = operation;
  }

  const generated = z.toJSONSchema(registry, { io: "input", unrepresentable: "any", uri: (name) => `#/components/schemas/${name}` }) as {
    schemas: Record<string, JsonObject>;
  };
  const schemas: Record<string, JsonObject> = {};
  for (const [name, schema] of Object.entries(generated.schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    schemas[name] = rest;
  }

  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Atlas",
      version: packageVersion,
      description: "Self-hostable infrastructure-architect agent server. Errors have one shape: `{ error: { code, message, issues } }`.",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ bearerAuth: [] }],
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An Atlas API key: `atlas_<random>`" } },
      schemas,
    },
  };
}
