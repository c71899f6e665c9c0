/** One server-sent event as read off the wire. */
export interface StreamEvent {
  event: string;
  data: unknown;
}

/** An event stream being read in the background. */
export interface EventStreamReader {
  status: number;
  /** events so far, in order */
  events: StreamEvent[];
  /** comment lines (`: ...`) so far, without the colon */
  comments: string[];
  /** true once the server ended the stream (or the connection broke) */
  ended(): boolean;
  /** resolves when the stream ends */
  done: Promise<void>;
  /** ends the stream from this side (a client leaving) */
  close(): void;
}

/** GETs `url` as server-sent events and parses them as they arrive. */
export async function readEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStreamReader> {
  const leave = new AbortController();
  const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: leave.signal });
  const reader: EventStreamReader = {
    status: response.status,
    events: [],
    comments: [],
    ended: () => ended,
    done: Promise.resolve(),
    close: () => leave.abort(),
  };
  let ended = false;
  let buffer = "";
  const parse = (block: string) => {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) reader.comments.push(line.slice(1).trim());
      else if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trim());
    }
    if (data.length) reader.events.push({ event, data: JSON.parse(data.join("\n")) });
  };
  reader.done = (async () => {
    const decoder = new TextDecoder();
    const body = response.body?.getReader();
    try {
      for (let chunk = await body?.read(); chunk && !chunk.done; chunk = await body?.read()) {
        buffer += decoder.decode(chunk.value, { stream: true });
        for (let split = buffer.indexOf("\n\n"); split >= 0; split = buffer.indexOf("\n\n")) {
          parse(buffer.slice(0, split));
          buffer = buffer.slice(split + 2);
        }
      }
    } catch {
      // a connection the server cut ends the stream as well
    } finally {
      ended = true;
    }
  })();
  return reader;
}
