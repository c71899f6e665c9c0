import type { Logger } from "../lib/log.js";
import { type ControlMessage, type ControlType, controlMessageSchema, EVENT_SCHEMA_VERSION } from "../schemas/events.js";

/** A control message as a sender writes it: `schema_ver`, `from` and `at` are filled in. */
export type ControlInput = { [T in ControlType]: Omit<Extract<ControlMessage, { type: T }>, "schema_ver" | "from" | "at"> & { from?: string } }[ControlType];

type Handler<T extends ControlType> = (message: Extract<ControlMessage, { type: T }>) => void | Promise<void>;

/**
 * The control channel (seed 004): `heartbeat`, `flush_cache`, `set_budget`. Every replica
 * receives every message (broadcast), so handlers must be idempotent.
 */
export interface ControlBus {
  send(message: ControlInput): Promise<void>;
  on<T extends ControlType>(type: T, handler: Handler<T>): () => void;
  /** replicas whose heartbeat arrived recently, with when */
  peers(): Record<string, string>;
  /** Resolves once messages sent from now on will be received. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Fills in the envelope and validates a control message; `from` is the sending replica. */
export function controlMessage(input: ControlInput, at: Date, from: string): ControlMessage {
  return controlMessageSchema.parse({ schema_ver: EVENT_SCHEMA_VERSION, from, at: at.toISOString(), ...input });
}

/**
 * Parses a control message from a stream entry: either a `message` field with the JSON, or
 * plain fields as an operator writes them with redis-cli
 * (`XADD atlas:control * type set_budget tenant acme daily 100000`).
 */
export function parseControlFields(fields: Record<string, string>, at: Date): ControlMessage {
  if (fields.message) return controlMessageSchema.parse(JSON.parse(fields.message));
  const { message: _ignored, ...rest } = fields;
  return controlMessageSchema.parse({ schema_ver: EVENT_SCHEMA_VERSION, from: "redis-cli", at: at.toISOString(), ...rest });
}

/** Handler registry and dispatch shared by the local and the Redis control bus. */
export function controlDispatcher(log: Logger) {
  const handlers = new Map<ControlType, Set<Handler<ControlType>>>();
  const peers = new Map<string, string>();
  const dispatcher = {
    on<T extends ControlType>(type: T, handler: Handler<T>): () => void {
      const set = handlers.get(type) ?? new Set();
      set.add(handler as unknown as Handler<ControlType>);
      handlers.set(type, set);
      return () => set.delete(handler as unknown as Handler<ControlType>);
    },
    async dispatch(message: ControlMessage): Promise<void> {
      if (message.type === "heartbeat") peers.set(message.from, message.at);
      for (const handler of handlers.get(message.type) ?? []) {
        try {
          await handler(message);
        } catch (error) {
          log.error({ err: error, control: message.type }, "control message handler failed");
        }
      }
      (message.type === "heartbeat" ? log.debug.bind(log) : log.info.bind(log))({ control: message.type, from: message.from }, "control message handled");
    },
    peers: () => Object.fromEntries(peers),
  };
  return dispatcher;
}

/** The control channel without Redis: messages reach this process's handlers only. */
export function makeLocalControlBus(parts: { log: Logger; clock: () => Date; replica: string }): ControlBus {
  const dispatcher = controlDispatcher(parts.log);
  return {
    send: (input) => dispatcher.dispatch(controlMessage(input, parts.clock(), parts.replica)),
    on: dispatcher.on,
    peers: dispatcher.peers,
    ready: async () => {},
    close: async () => {},
  };
}
