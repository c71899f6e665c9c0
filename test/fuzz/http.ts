import { Agent, request as httpRequest } from "node:http";

/** One request exactly as it goes on the wire: the path is sent as written (already percent-encoded). */
export interface WireRequest {
  method: string;
  /** path and query, e.g. `/architect/plan/..%2F/history?x=1` */
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
}

/** What came back. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends raw requests to one server, each on its own connection, through Node's own HTTP client
 * (a real socket: the server's HTTP parser, timeouts and body limits all take part, which
 * `app.inject` skips; a connection the server closes after a refusal cannot fail the next
 * request). A request the server never answers fails after `answerWithinMs`.
 */
export function wireClient(port: number, answerWithinMs = 60_000) {
  const agent = new Agent({ keepAlive: false });
  return {
    /**
     * Sends one request. With `firstEventOnly`, an answer that is an event stream counts as
     * answered at its first event (the connection is then closed, as a client leaving): for
     * streams that never end on their own.
     */
    send(request: WireRequest, options: { firstEventOnly?: boolean } = {}): Promise<WireAnswer> {
      return new Promise((resolve, reject) => {
        const outgoing = httpRequest(
          {
            host: "127.0.0.1",
            port,
            agent,
            method: request.method,
            path: request.path,
            headers: { ...request.headers, ...(request.body ? { "content-length": String(request.body.length) } : {}) },
            timeout: answerWithinMs,
          },
          (response) => {
            const chunks: Buffer[] = [];
            const answer = () => ({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") });
            const cut = options.firstEventOnly && String(response.headers["content-type"] ?? "").startsWith("text/event-stream");
            response.on("data", (chunk: Buffer) => {
              chunks.push(chunk);
              if (cut && /\ndata:[^\n]*\n\n/.test(Buffer.concat(chunks).toString("utf8"))) {
                resolve(answer());
                outgoing.destroy();
              }
            });
            response.on("end", () => resolve(answer()));
            response.on("error", reject);
          },
        );
        outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer within ${answerWithinMs} ms`)));
        outgoing.on("error", reject);
        outgoing.end(request.body);
      });
    },
    close: () => agent.destroy(),
  };
}
