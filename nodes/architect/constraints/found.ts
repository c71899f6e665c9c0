import type { Sentence } from "./clauses.js";
import type { Mention, Topic } from "./lexicon.js";
import { type Reading, readMention } from "./polarity.js";
import type { ConstraintWish } from "./wishes.js";

/** A wish found at token `at` (wishes are returned in the order the sentence states them). */
export interface Found {
  at: number;
  wish: ConstraintWish;
}

/**
 * What one kind reader made of a sentence. `unreadable` means the sentence says something of
 * this kind that the reader cannot type without guessing (a double negation, two conflicting
 * values, a malformed id); the whole sentence is then reported as not understood.
 */
export interface KindResult {
  found: Found[];
  unreadable: boolean;
}

export type KindReader = (s: Sentence) => KindResult;

/** A wish without its sentence (added by `wish`). */
export type WishBody = ConstraintWish extends infer W ? (W extends ConstraintWish ? Omit<W, "text"> : never) : never;

export const NOTHING: KindResult = { found: [], unreadable: false };

/** The mentions of the given topics, each with its reading. */
export function readingsOf(s: Sentence, topics: readonly Topic[], selfCued = false): { m: Mention; r: Reading }[] {
  return s.mentions.filter((m) => topics.includes(m.topic)).map((m) => ({ m, r: readMention(s, m, selfCued) }));
}

/** A wish of the sentence. */
export function wish(s: Sentence, body: WishBody): ConstraintWish {
  return { text: s.text, ...body } as ConstraintWish;
}

/**
 * A kind with one value per design (Kubernetes, architecture, NAT …): each mention gives a
 * value, nothing, or `unreadable`; two different values in one sentence are unreadable too.
 * The wish is hard when any mention of it is.
 */
export function singleValued<V extends string>(
  s: Sentence,
  topics: readonly Topic[],
  pick: (m: Mention, r: Reading) => V | null | "unreadable",
  make: (value: V, hard: boolean) => WishBody,
): KindResult {
  const values: { at: number; value: V; hard: boolean }[] = [];
  for (const { m, r } of readingsOf(s, topics)) {
    if (r.polarity === "skip") return { found: [], unreadable: true };
    const value = pick(m, r);
    // "not needed" has a typed form only where the kind says so (NAT none, one AZ)
    if (value === "unreadable" || (value === null && r.polarity === "weak")) return { found: [], unreadable: true };
    if (value !== null) values.push({ at: m.start, value, hard: r.hard });
  }
  const first = values[0];
  if (!first) return NOTHING;
  if (values.some((v) => v.value !== first.value)) return { found: [], unreadable: true };
  return {
    found: [
      {
        at: first.at,
        wish: wish(
          s,
          make(
            first.value,
            values.some((v) => v.hard),
          ),
        ),
      },
    ],
    unreadable: false,
  };
}
