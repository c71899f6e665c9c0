import type { OutgoingHttpHeaders } from "node:http";
import type { FastifyInstance, FastifyReply } from "fastify";

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

const PING_MS = 15_000;

/** An open server-sent event stream: `send` an event, `end` it (with a last comment); `onEnd` runs once. */
export interface EventStreamSession {
  send(event: string, data: unknown): void;
  end(last?: string): void;
  readonly open: boolean;
}

/**
 * The streams a route has open, ended at once when the server closes (a stream may outlast any
 * shutdown grace; a client reconnects, to another replica). Call once per route plugin.
 */
export function eventStreams(app: FastifyInstance, log: { info(object: object, message: string): void }, what: string) {
  const live = new Set<EventStreamSession>();
  app.addHook("preClose", async () => {
    if (live.size > 0) log.info({ streams: live.size }, `server closing: ${what} ended`);
    for (const session of live) session.end(": server shutting down, reconnect\n\n");
  });
  return {
    /** Opens the stream on `reply`: a comment every 15 s keeps proxies from closing it; `onEnd` runs when it ends, either side. */
    open(reply: FastifyReply, onEnd: () => void): EventStreamSession {
      openEventStream(reply, { "x-accel-buffering": "no" });
      let open = true;
      const ping = setInterval(() => open && reply.raw.write(": ping\n\n"), PING_MS);
      const session: EventStreamSession = {
        get open() {
          return open;
        },
        send(event, data) {
          if (open) reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        },
        end(last) {
          if (!open) return;
          open = false;
          live.delete(session);
          clearInterval(ping);
          onEnd();
          reply.raw.end(last);
        },
      };
      live.add(session);
      reply.raw.on("close", () => session.end());
      return session;
    },
  };
}
