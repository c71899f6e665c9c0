import type { OutgoingHttpHeaders } from "node:http";
import type { FastifyReply } from "fastify";

/**
 * Takes the response over for server-sent events. The headers hooks put on the reply so far
 * (CORS from @fastify/cors, `vary`, rate-limit counts) go out with the stream: a hijacked reply
 * would otherwise drop them, and a browser on an allowed origin could not read the stream.
 */
export function openEventStream(reply: FastifyReply, headers: Record<string, string> = {}): void {
  const inherited: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) inherited[name] = value;
  reply.hijack();
  reply.raw.writeHead(200, { ...inherited, "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive", ...headers });
}
