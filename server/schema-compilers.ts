import type { FastifyInstance, FastifySchemaCompiler, FastifySerializerCompiler } from "fastify";
import type { z } from "zod";
import { AtlasError } from "../lib/errors.js";
import { issuePath, unstorablePath, validationError } from "../lib/validation.js";

/** How an issue path names the part of the request it is in; the body's paths are bare (`goal.region`). */
const PATH_ROOT: Record<string, string | undefined> = { params: "params", querystring: "query", headers: "headers" };

/**
 * Validates a route's `schema.body`, `params` and `querystring` with their zod schemas. A wrong
 * field answers 400 VALIDATION_FAILED naming it (`goal.slo.availability`, `params.thread_id`,
 * `query.limit`), as `lib/validation.ts` formats it for the CLIs too; the route then reads the
 * parsed (trimmed, coerced, defaulted) value from `request.body` / `params` / `query`.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const where = PATH_ROOT[httpPart ?? ""];
  return (data: unknown) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: validationError(result.error, where) };
  };
};

/**
 * Response schemas document what a route answers; they never reshape it. Bodies are written
 * exactly as Fastify writes a route without a response schema (`JSON.stringify`), so declaring a
 * schema cannot strip a field a client reads today.
 */
export const plainJsonSerializerCompiler: FastifySerializerCompiler<unknown> = () => (data: unknown) => JSON.stringify(data);

/**
 * A NUL character or a lone surrogate anywhere in a request's parameters, query or body is a 400
 * naming where: Postgres text and JSON cannot store either, so it would otherwise fail deep inside a query or a
 * checkpoint write as a 500. Checked for every route, declared schema or not.
 */
function refuseNul(request: { params: unknown; query: unknown; body: unknown }): void {
  for (const [part, where] of [
    ["params", "params"],
    ["query", "query"],
    ["body", undefined],
  ] as const) {
    const at = unstorablePath(request[part]);
    if (!at) continue;
    const path = issuePath(at.path, where);
    throw new AtlasError("VALIDATION_FAILED", `Invalid request: ${path}: ${at.message}`, { issues: [{ path, message: at.message }] });
  }
}

/** Installs both compilers on `app` (the root instance, before any route), and the NUL check before every validation. */
export function registerSchemaCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(plainJsonSerializerCompiler);
  app.addHook("preValidation", async (request) => refuseNul(request));
}
