import type { FastifyInstance, FastifySchemaCompiler, FastifySerializerCompiler } from "fastify";
import type { z } from "zod";
import { validationError } from "../lib/validation.js";

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

/** Installs both compilers on `app` (the root instance, before any route). */
export function registerSchemaCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(plainJsonSerializerCompiler);
}
