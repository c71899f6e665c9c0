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

/** The Atlas code that owns an HTTP status (403 FORBIDDEN, 404 NOT_FOUND, ...), if one does. */
const codeOfStatus = (status: number) => (Object.keys(errorStatus) as (keyof typeof errorStatus)[]).find((code) => errorStatus[code] === status);

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
      const status = fastifyCode ? errorStatus[fastifyCode] : (error.statusCode as number);
      // a plugin's own client error (@fastify/static's 403 for a path it refuses) keeps its status
      // and takes the code that owns it; one without such a code is a request Atlas could not take
      const code = fastifyCode ?? codeOfStatus(status) ?? "VALIDATION_FAILED";
      const message = error instanceof SyntaxError ? `Body is not valid JSON: ${error.message}` : error.message;
      const issues = fastifyCode || code === "VALIDATION_FAILED" ? { issues: [{ path: "(body)", message }] } : {};
      return reply.status(status).send({ error: { code, message, ...issues } });
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
