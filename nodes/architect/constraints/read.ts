import { readBudget } from "./budget.js";
import { type Sentence, splitClauses } from "./clauses.js";
import type { Found, KindReader } from "./found.js";
import { readDatabase, readFamilies, readRegions } from "./kinds-lists.js";
import { readNat, readNetwork, readZones } from "./kinds-network.js";
import { readArchitecture, readCapacity, readControls, readEndpoints, readKubernetes, readServerless } from "./kinds-simple.js";
import { isTerm, tagMentions } from "./lexicon.js";
import { tokenise } from "./tokens.js";
import { type ConstraintReading, type ConstraintWish, SUBNET_ID, VPC_ID } from "./wishes.js";

/**
 * The deterministic reader of a goal's free-text constraints (issue 9): tokens → mentions of
 * known terms → clauses → per-kind readers that decide, for each mention, whether it is asked
 * for, permitted or ruled out. It never guesses: a sentence with a term it cannot read without
 * guessing (a double negation, "not only Kubernetes", two conflicting values) comes back with no
 * wishes, i.e. not understood, so the plan shows it as a risk instead of pretending to honour it.
 */

const KIND_READERS: readonly KindReader[] = [
  readKubernetes,
  readArchitecture,
  readNat,
  readEndpoints,
  readNetwork,
  readDatabase,
  readZones,
  readServerless,
  readCapacity,
  readFamilies,
  readRegions,
  readControls,
  readBudget,
];

/** The parsed form of one sentence, for the kind readers. */
export function parseSentence(text: string): Sentence {
  const tokens = tokenise(text, isTerm);
  const mentions = tagMentions(tokens);
  return { text, tokens, mentions, clauses: splitClauses(tokens, mentions) };
}

/** The wishes of one constraint sentence in the order it states them; [] when not understood. */
export function readSentence(text: string): ConstraintWish[] {
  const sentence = parseSentence(text);
  const found: Found[] = [];
  for (const read of KIND_READERS) {
    const result = read(sentence);
    if (result.unreadable) return [];
    found.push(...result.found);
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.wish);
}

/** An existing component as a wish: a VPC or subnet with an id AWS would issue; anything else is not understood. */
function readExisting(component: { kind: string; name: string; id?: string }): ConstraintReading {
  const text = component.id ? `existing ${component.kind} ${component.name} (${component.id})` : `existing ${component.kind} ${component.name}`;
  const kind = component.kind.trim().toLowerCase();
  const id = component.id ?? "";
  if (kind === "vpc" && VPC_ID.test(id)) return { text, wishes: [{ kind: "existing-network", vpc_id: id, subnet_ids: [], hard: true, text }] };
  if (kind === "subnet" && SUBNET_ID.test(id)) return { text, wishes: [{ kind: "existing-network", vpc_id: null, subnet_ids: [id], hard: true, text }] };
  return { text, wishes: [] };
}

/**
 * Reads a goal's constraints: one entry per text, in order, then one per existing component
 * (`existing <kind> <name> (<id>)`). A VPC or subnet component with a well-formed id becomes a
 * hard existing-network wish; other components, and texts not understood, have no wishes.
 */
export function readConstraints(texts: readonly string[], existing: readonly { kind: string; name: string; id?: string }[] = []): ConstraintReading[] {
  return [...texts.map((text) => ({ text, wishes: readSentence(text) })), ...existing.map(readExisting)];
}
