// @ts-check
/**
 * Live updates: the console follows GET /architect/plans/stream (the tenant's lifecycle events as
 * server-sent events) and reads the state again when something happened. Not EventSource: it
 * cannot send an Authorization header, and the key must not travel in a URL; fetch reads the
 * same stream with the header. A stream that ends or breaks (a replica restarting, a proxy's
 * idle timeout) is opened again after a pause that grows to 15 s; each (re)opening reads the state
 * again, since events are not replayed.
 */
import { session } from "./api.js";

const FIRST_PAUSE_MS = 1000;
const LONGEST_PAUSE_MS = 15_000;
/** Events that come close together (a run's nodes) are answered with one read. */
const SETTLE_MS = 250;

/**
 * Reads one server-sent event stream until it ends; calls `onEvent` per event.
 * @param {Response} response
 * @param {(type: string, data: any) => void} onEvent
 */
async function readEvents(response, onEvent) {
  const reader = /** @type {ReadableStream<Uint8Array>} */ (response.body).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffer += decoder.decode(chunk.value, { stream: true });
    for (let split = buffer.indexOf("\n\n"); split >= 0; split = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, split);
      buffer = buffer.slice(split + 2);
      let type = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) type = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trim());
      }
      if (!data.length) continue; // a comment (": ping")
      try {
        onEvent(type, JSON.parse(data.join("\n")));
      } catch {
        // not JSON: not one of ours
      }
    }
  }
}

/**
 * Follows the tenant's events (one thread's with `threadId`): `refresh` runs once the stream is
 * open, and again shortly after events arrive (several close together count once), until
 * `stop()`. `refresh` returning false stops following (signed out). While the stream cannot be
 * opened, `onTrouble` says why; `refresh` still runs at each attempt, so the page stays current.
 * @param {{ threadId?: string, refresh: () => Promise<boolean | void>, onTrouble?: (message: string) => void }} options
 * @returns {() => void} stop
 */
export function followEvents({ threadId, refresh, onTrouble = () => {} }) {
  const leave = new AbortController();
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let settle;
  let reading = Promise.resolve();
  const stop = () => {
    stopped = true;
    clearTimeout(settle);
    leave.abort();
  };
  /** One read at a time; a read asked for while one runs happens after it. */
  const read = () => {
    reading = reading.then(async () => {
      if (stopped) return;
      try {
        if ((await refresh()) === false) stop();
      } catch {
        // the page shows its own error; keep following
      }
    });
  };
  const path = `/architect/plans/stream${threadId ? `?thread_id=${encodeURIComponent(threadId)}` : ""}`;
  void (async () => {
    let pause = FIRST_PAUSE_MS;
    while (!stopped) {
      try {
        const key = session.key();
        const response = await fetch(path, {
          headers: { accept: "text/event-stream", ...(key ? { authorization: `Bearer ${key}` } : {}) },
          cache: "no-store",
          signal: leave.signal,
        });
        if (response.status === 401) {
          read(); // the page's own read meets the 401 and signs out
          return;
        }
        if (!response.ok || !response.body) throw new Error(`live updates unavailable (HTTP ${response.status})`);
        await readEvents(response, (type) => {
          if (type === "ready") {
            pause = FIRST_PAUSE_MS;
            onTrouble("");
            read();
            return;
          }
          clearTimeout(settle);
          settle = setTimeout(read, SETTLE_MS);
        });
      } catch (error) {
        if (stopped) return;
        onTrouble(`Live updates paused: ${error instanceof Error ? error.message : String(error)}; trying again.`);
        read();
      }
      if (stopped) return;
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    }
  })();
  return stop;
}
