import { connect, type Socket } from "node:net";

/** A raw HTTP/1.1 client on its own connection, misbehaving on purpose. */
export interface RawClient {
  socket: Socket;
  /** everything the server sent so far */
  received(): string;
  /** true once the connection is closed (by the server, unless `stop` was called) */
  isClosed(): boolean;
  /** resolves with what the server sent when the connection closes */
  closed: Promise<string>;
  /** stops writing and closes the connection from this side */
  stop(): void;
}

/** Opens a TCP connection to 127.0.0.1:`port` and records what comes back. */
export function rawClient(port: number): Promise<RawClient> {
  const socket = connect(port, "127.0.0.1");
  let received = "";
  let closedNow = false;
  socket.on("data", (part: Buffer) => {
    received += part.toString("utf8");
  });
  // a reset by the server is one of the ways it closes the connection
  socket.on("error", () => {});
  const closed = new Promise<string>((resolve) =>
    socket.once("close", () => {
      closedNow = true;
      resolve(received);
    }),
  );
  return new Promise((resolve, reject) => {
    socket.once("connect", () =>
      resolve({
        socket,
        received: () => received,
        isClosed: () => closedNow,
        closed,
        stop: () => socket.destroy(),
      }),
    );
    socket.once("error", reject);
  });
}

/** Writes `byte` every `everyMs` until the connection closes; the client's pace, not a wait in a test. */
function dribble(client: RawClient, byte: string, everyMs: number): void {
  const timer = setInterval(() => {
    if (client.socket.writable) client.socket.write(byte);
  }, everyMs);
  void client.closed.then(() => clearInterval(timer));
}

/** A slowloris client: a request head sent one byte at a time, never finished. */
export async function trickleHeaders(port: number, everyMs = 50): Promise<RawClient> {
  const client = await rawClient(port);
  client.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  dribble(client, "a", everyMs);
  return client;
}

/** A complete request head announcing a JSON body of `length` bytes, then the body one byte at a time, never finished. */
export async function trickleBody(port: number, path: string, headers: Record<string, string>, everyMs = 50, length = 10_000): Promise<RawClient> {
  const client = await rawClient(port);
  const lines = Object.entries({ host: "127.0.0.1", "content-type": "application/json", "content-length": String(length), ...headers }).map(
    ([name, value]) => `${name}: ${value}\r\n`,
  );
  client.socket.write(`POST ${path} HTTP/1.1\r\n${lines.join("")}\r\n{"query": "`);
  dribble(client, "a", everyMs);
  return client;
}

/** A keep-alive connection that made one request, got its whole answer, and then sends nothing. */
export async function idleKeepAlive(port: number, path = "/healthz"): Promise<RawClient> {
  const client = await rawClient(port);
  client.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  const answered = () => {
    const text = client.received();
    const end = text.indexOf("\r\n\r\n");
    const length = /content-length: (\d+)/i.exec(text)?.[1];
    return end >= 0 && length !== undefined && Buffer.byteLength(text.slice(end + 4)) >= Number(length);
  };
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (answered()) {
        client.socket.off("data", check);
        resolve();
      } else if (client.isClosed()) reject(new Error(`connection closed before the answer: ${client.received()}`));
    };
    client.socket.on("data", check);
    void client.closed.then(check);
  });
  return client;
}
