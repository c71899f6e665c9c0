import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** A request that was still being answered when its connection was cut. */
export interface CutRequest {
  method: string;
  url: string;
  /** how long it had been running */
  ms: number;
}

/** The server's open connections, as the bounded shutdown needs to see them. */
export interface Connections {
  /** connections open now */
  open(): number;
  /** requests received and not yet answered */
  inFlight(): number;
  /**
   * Starts draining: closes at once every connection with no request in hand (idle keep-alive,
   * or a request head still arriving, which Node's own `closeIdleConnections` leaves open), and
   * from now on closes each connection as soon as its last answer is out. Returns how many it closed.
   */
  drain(): number;
  /** Destroys every connection left; returns the requests that were cut. */
  cutAll(): CutRequest[];
}

/**
 * Follows `server`'s connections and the requests on them (attach before `listen`). Node
 * tells a connection that is still sending its request head apart from one waiting for an
 * answer only through internals; the `request` event marks the point where one becomes the other.
 */
export function trackConnections(server: Server, now: () => number = Date.now): Connections {
  const sockets = new Map<Socket, Set<{ request: IncomingMessage; started: number }>>();
  let draining = false;

  server.on("connection", (socket: Socket) => {
    sockets.set(socket, new Set());
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const inHand = sockets.get(request.socket);
    if (!inHand) return;
    const entry = { request, started: now() };
    inHand.add(entry);
    response.once("close", () => {
      inHand.delete(entry);
      // Node marks the connection idle only after this event's listeners ran
      if (draining && inHand.size === 0) setImmediate(() => server.closeIdleConnections());
    });
  });

  return {
    open: () => sockets.size,
    inFlight: () => [...sockets.values()].reduce((sum, inHand) => sum + inHand.size, 0),
    drain() {
      draining = true;
      let closed = 0;
      for (const [socket, inHand] of sockets) {
        if (inHand.size > 0) continue;
        socket.destroy();
        closed++;
      }
      return closed;
    },
    cutAll() {
      const cut: CutRequest[] = [];
      const at = now();
      for (const [socket, inHand] of sockets) {
        for (const { request, started } of inHand) cut.push({ method: request.method ?? "?", url: request.url ?? "?", ms: at - started });
        socket.destroy();
      }
      return cut;
    },
  };
}
