import type { TestApp } from "../helpers/app.js";
import type { WireRequest } from "./http.js";
import { restingState, threadState } from "./world.js";

/** A thread the fuzz may name, held at a status: a plan waiting for approval, one DONE, another tenant's. */
export interface SlotSpec {
  name: string;
  /** the status it rests at between requests */
  expected: "WAIT_FOR_APPROVE" | "DONE";
  /** its tenant's key, to read it; and the name of that key in the fuzz's key set */
  headers: Record<string, string>;
  owner: string;
  /** makes a new thread in that status, returning its id */
  make(): Promise<string>;
}

interface Slot extends SlotSpec {
  token: string;
  id: string;
  version: number | null;
}

/**
 * The threads requests name, behind placeholder tokens: generated requests carry the token and
 * `bind` puts in the thread's current id, so a thread a request legitimately moved on (approved,
 * rolled back) is replaced before the next request, and one generated request means the same
 * thing whenever it is replayed. `after` checks what each request did to the threads it named.
 */
export class ThreadSlots {
  private readonly slots: Slot[];

  constructor(
    private readonly t: TestApp,
    specs: SlotSpec[],
  ) {
    this.slots = specs.map((spec) => ({ ...spec, token: `fuzzslot${spec.name}`, id: "", version: null }));
  }

  /** Makes every slot's thread. */
  async init(): Promise<void> {
    for (const slot of this.slots) await this.renew(slot);
  }

  /** The placeholders generated requests use. */
  tokens(): string[] {
    return this.slots.map((slot) => slot.token);
  }

  /** The current thread id of a slot. */
  id(name: string): string {
    return this.slot(name).id;
  }

  /** The current ids of threads owned by other keys than `who`'s tenant. */
  foreignTo(who: string): string[] {
    return this.slots.filter((slot) => (slot.owner === "rival") !== (who === "rival")).map((slot) => slot.id);
  }

  /** The request with each token replaced by its thread's id, and the names of the slots it names. */
  bind(request: WireRequest): { wire: WireRequest; named: string[] } {
    let { path, body } = request;
    const named: string[] = [];
    for (const slot of this.slots) {
      const inPath = path.includes(slot.token);
      const inBody = body?.includes(slot.token) ?? false;
      if (!inPath && !inBody) continue;
      named.push(slot.name);
      path = path.replaceAll(slot.token, slot.id);
      if (body && inBody) body = replaceBytes(body, slot.token, slot.id);
    }
    return { wire: { ...request, path, body }, named };
  }

  /**
   * After a request that named slots: each thread comes to rest, none is FAILED, and one that
   * moved on was moved by a request that succeeded with its own tenant's key (`moved` true);
   * a thread that moved on is replaced. Returns what was wrong.
   */
  async after(named: string[], moved: (owner: string) => boolean): Promise<string[]> {
    const problems: string[] = [];
    for (const slot of this.slots.filter((one) => named.includes(one.name))) {
      const state = await restingState(this.t, slot.id, slot.headers);
      if (state?.status === "FAILED") problems.push(`the ${slot.name} plan ${slot.id} ended FAILED`);
      if (state?.status === slot.expected && state.version === slot.version) continue;
      if (state?.status === slot.expected && moved(slot.owner)) {
        slot.version = state.version; // a revise: still waiting, on a new version
        continue;
      }
      if (!moved(slot.owner))
        problems.push(
          `the ${slot.name} plan ${slot.id} went from ${slot.expected} v${slot.version} to ${JSON.stringify(state)} though no request of its tenant succeeded on it`,
        );
      await this.renew(slot);
    }
    return problems;
  }

  /** Every slot still rests where it should. */
  async check(): Promise<string[]> {
    const problems: string[] = [];
    for (const slot of this.slots) {
      const state = await threadState(this.t, slot.id, slot.headers);
      if (state?.status !== slot.expected || state.version !== slot.version)
        problems.push(`the ${slot.name} plan ${slot.id} is ${JSON.stringify(state)}, not ${slot.expected} v${slot.version}`);
    }
    return problems;
  }

  private slot(name: string): Slot {
    const slot = this.slots.find((one) => one.name === name);
    if (!slot) throw new Error(`no slot ${name}`);
    return slot;
  }

  private async renew(slot: Slot): Promise<void> {
    slot.id = await slot.make();
    slot.version = (await threadState(this.t, slot.id, slot.headers))?.version ?? null;
  }
}

/** `buffer` with every occurrence of the ASCII `token` replaced (bytes around it are left as they are, valid UTF-8 or not). */
function replaceBytes(buffer: Buffer, token: string, value: string): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = buffer.indexOf(token, from); at !== -1; at = buffer.indexOf(token, from)) {
    parts.push(buffer.subarray(from, at), Buffer.from(value));
    from = at + token.length;
  }
  parts.push(buffer.subarray(from));
  return Buffer.concat(parts);
}
