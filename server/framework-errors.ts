import { STATUS_CODES } from "node:http";
import type { FastifyReply, FastifyServerOptions } from "fastify";
import type { Config } from "../lib/config.js";
import { securityHeaders } from "./plugins/security-headers.js";

/**
 * The longest path parameter the router matches. Ids are at most 128 characters (a thread id);
 * Fastify's default of 100 answered 414 for valid thread ids that could be created but never
 * read. A longer parameter reaches its route's validation (400 naming it); only one longer
 * than this is refused by the router.
 */
export const MAX_PARAM_LENGTH = 1024;

/** The one error shape for a request refused before it reached a route, naming what was wrong. */
const refusal = (message: string, path: string) => ({ error: { code: "VALIDATION_FAILED" as const, message, issues: [{ path, message }] } });

/** Why the router refused a URL, by Fastify's error code. */
const ROUTER_REFUSALS: Record<string, { status: number; message: string }> = {
  FST_ERR_BAD_URL: {
    status: 400,
    message: "Invalid request: the URL has a malformed percent-encoding (a % not followed by two hex digits, or bytes that are not UTF-8)",
  },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, message: `Invalid request: a path parameter is longer than ${MAX_PARAM_LENGTH} characters` },
};

/** What Node's HTTP parser refuses, by its error code; anything else it refuses is a malformed request (400). */
const PARSER_REFUSALS: Record<string, { status: number; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: "Invalid request: not received in time" },
  HPE_HEADER_OVERFLOW: { status: 431, message: "Invalid request: the request line and headers are too large" },
};

/**
 * Fastify options for the answers given before any route or hook runs, so that they too have
 * the one error shape and the security headers: a URL the router cannot decode or match
 * (`frameworkErrors`), and a request Node's HTTP parser refuses (`clientErrorHandler`: headers
 * too large, a malformed request, one not received within the request timeouts).
 */
export function frameworkErrorOptions(
  config: Pick<Config, "HSTS_MAX_AGE">,
): Pick<FastifyServerOptions, "frameworkErrors" | "clientErrorHandler" | "routerOptions"> {
  const headers = securityHeaders(config);
  return {
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors(error, request, generic) {
      // the option is typed for any route's generics; these answers belong to no route
      const reply = generic as unknown as FastifyReply;
      const known = ROUTER_REFUSALS[error.code];
      reply.headers(headers);
      if (known) return reply.status(known.status).send(refusal(known.message, "(url)"));
      request.log.error({ err: error, url: request.url }, "request failed before routing");
      return reply.status(500).send({ error: { code: "INTERNAL", message: "Internal server error; the server log has details.", request_id: request.id } });
    },
    clientErrorHandler(error, socket) {
      // a connection reset leaves nothing to answer (as Fastify's own handler does)
      if (error.code === "ECONNRESET" || socket.destroyed) return;
      const { status, message } = PARSER_REFUSALS[error.code ?? ""] ?? { status: 400, message: "Invalid request: malformed HTTP" };
      const body = JSON.stringify(refusal(message, "(request)"));
      const head = [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        "content-type: application/json; charset=utf-8",
        `content-length: ${Buffer.byteLength(body)}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        "connection: close",
      ];
      if (socket.writable) socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
      else socket.destroy(error);
    },
  };
}
