import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";
import { AtlasError } from "../../lib/errors.js";

/** Whether the request says a body follows (a length above zero, or chunked). */
const announcesBody = (raw: IncomingMessage) => Number(raw.headers["content-length"] ?? 0) > 0 || raw.headers["transfer-encoding"] !== undefined;

/** Reads and drops what remains of `raw`, at most `limit` bytes; false when there was more. */
function drain(raw: IncomingMessage, limit: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) {
        cleanup();
        raw.pause();
        resolve(false);
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(true);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      raw.off("data", onData);
      raw.off("end", onEnd);
      raw.off("error", onError);
    };
    raw.on("data", onData);
    raw.on("end", onEnd);
    raw.on("error", onError);
  });
}

/**
 * A body sent with GET or HEAD is read and dropped before the route answers. Fastify never reads
 * one (no route takes it), and a connection closed with unread bytes in its receive buffer is
 * reset by the kernel: the client then loses an answer already on the wire (a 1 MiB body on
 * `GET /openapi.json` ended as "connection reset" instead of the document). Up to BODY_LIMIT_BYTES;
 * beyond, a 413 as for any other route.
 */
export function registerUnreadBodyDrain(app: FastifyInstance, limit: number): void {
  app.addHook("onRequest", async (request) => {
    if ((request.method !== "GET" && request.method !== "HEAD") || !announcesBody(request.raw)) return;
    if (!(await drain(request.raw, limit))) {
      throw new AtlasError("PAYLOAD_TOO_LARGE", `Request body is too large: a ${request.method} takes no body, and this one is over ${limit} bytes`, {
        issues: [{ path: "(body)", message: `over ${limit} bytes` }],
      });
    }
  });
}
