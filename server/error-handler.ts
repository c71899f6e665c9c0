import type { FastifyError, FastifyInstance } from "fastify";
import { errorStatus, isAtlasError } from "../lib/errors.js";

/** Maps Fastify's own client-error codes onto Atlas codes. */
const FASTIFY_CODES: Record<string, keyof typeof errorStatus> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "VALIDATION_FAILED",
  FST_ERR_CTP_EMPTY_JSON_BODY: "VALIDATION_FAILED",
  FST_ERR_CTP_INVALID_JSON_BODY: "VALIDATION_FAILED",
  FST_ERR_VALIDATION: "VALIDATION_FAILED",
};

/**
 * The one error handler: 4xx answers say what was wrong and where; 5xx answers are
 * logged with the request's context and return a generic message.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAtlasError(error) && error.status < 500) {
      return reply.status(error.status).send({
        error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}), ...error.details },
      });
    }
    const fastifyCode = error.code ? FASTIFY_CODES[error.code] : undefined;
    const clientStatus = typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500;
    if (fastifyCode || (clientStatus && !isAtlasError(error))) {
      const code = fastifyCode ?? "VALIDATION_FAILED";
      const status = fastifyCode ? errorStatus[fastifyCode] : (error.statusCode as number);
      const message = error instanceof SyntaxError ? `Body is not valid JSON: ${error.message}` : error.message;
      return reply.status(status).send({ error: { code, message, issues: [{ path: "(body)", message }] } });
    }
    const code = isAtlasError(error) ? error.code : "INTERNAL";
    request.log.error({ err: error, url: request.url, method: request.method }, "request failed");
    return reply.status(isAtlasError(error) ? error.status : 500).send({
      error: {
        code,
        message: code === "INTERNAL" ? "Internal server error; the server log has details." : error.message,
        request_id: request.id,
        // a named 5xx (UNAVAILABLE: retry later) says what it knows; an internal one shows nothing
        ...(isAtlasError(error) && code !== "INTERNAL" ? error.details : {}),
      },
    });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: "NOT_FOUND", message: `No route for ${request.method} ${request.url}` } });
  });
}
