import type { Redis } from "ioredis";
import type { Logger } from "../../lib/log.js";
import { type ControlBus, controlDispatcher, controlMessage, parseControlFields } from "../control.js";
import type { RedisKeys } from "./keys.js";
import { startStreamTail } from "./stream-tail.js";
import { requestCall } from "./time-box.js";

/** Control messages kept in the stream (XADD MAXLEN ~). */
const CONTROL_MAXLEN = 10_000;
/** How often each replica announces itself. */
const HEARTBEAT_MS = 15_000;

/**
 * The control channel on the `<prefix>control` stream: every replica follows it from the
 * moment it starts (a broadcast, not a consumer group) and sends a heartbeat every 15 s.
 */
export function makeRedisControlBus(redis: Redis, keys: RedisKeys, parts: { log: Logger; clock: () => Date; replica: string }): ControlBus {
  const { log, clock } = parts;
  const dispatcher = controlDispatcher(log);
  const tail = startStreamTail({
    redis,
    stream: keys.control,
    log,
    onEntry(id, fields) {
      let message: ReturnType<typeof parseControlFields>;
      try {
        message = parseControlFields(fields, clock());
      } catch (error) {
        log.warn({ id, err: (error as Error).message }, "ignored a control message that does not parse");
        return;
      }
      void dispatcher.dispatch(message);
    },
  });
  // Sent from requests (`PUT /admin/budget`): time-boxed, so a Redis that does not answer fails
  // the send (the caller says so) instead of holding the request.
  const send: ControlBus["send"] = async (input) => {
    const message = controlMessage(input, clock(), parts.replica);
    await requestCall(redis, `send control message ${message.type}`, () =>
      redis.xadd(keys.control, "MAXLEN", "~", CONTROL_MAXLEN, "*", "type", message.type, "message", JSON.stringify(message)),
    );
  };
  const beat = () => send({ type: "heartbeat", data: { pid: process.pid } }).catch(() => {});
  void tail.ready.then(beat);
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    send,
    on: dispatcher.on,
    peers: dispatcher.peers,
    ready: () => tail.ready,
    async close() {
      clearInterval(heartbeat);
      await tail.stop();
    },
  };
}
