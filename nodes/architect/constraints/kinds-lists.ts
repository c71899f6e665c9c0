import { databaseEngines } from "../../../schemas/plan.js";
import type { Sentence } from "./clauses.js";
import { type Found, type KindReader, type KindResult, NOTHING, readingsOf, wish } from "./found.js";
import type { Topic } from "./lexicon.js";
import type { DbEngine } from "./wishes.js";

/**
 * Readers for the kinds that are sets: database engines, instance families, regions. Terms a
 * sentence asks for and terms it rules out combine into one wish ("use MySQL, not Postgres");
 * a hard and a soft part stay two wishes ("prefer m7g, never t2"), so neither is strengthened
 * or weakened by the other.
 */

interface Parts {
  at: number;
  asked: string[];
  ruledOut: string[];
}

/** Asked-for and ruled-out values of the topics, by hardness; null when a mention is unreadable. */
function partsByHardness(s: Sentence, topics: readonly Topic[]): Map<boolean, Parts> | null {
  const groups = new Map<boolean, Parts>();
  for (const { m, r } of readingsOf(s, topics)) {
    if (r.polarity === "skip" || r.polarity === "weak") return null;
    if (r.polarity === "none") continue;
    const group = groups.get(r.hard) ?? { at: m.start, asked: [], ruledOut: [] };
    (r.polarity === "neg" ? group.ruledOut : group.asked).push(...m.values);
    groups.set(r.hard, group);
  }
  return groups;
}

const unique = (values: readonly string[]) => [...new Set(values)];

function finish(found: Found[]): KindResult {
  return { found, unreadable: false };
}

/**
 * Engines allowed, most preferred first: the ones asked for in the order named, less the ones
 * ruled out; with none asked for, every engine but the ones ruled out ("avoid Aurora" → postgres,
 * mysql). An engine outside the PlanSpec's list that the sentence asks for ("use MariaDB") or a
 * set that ends up empty makes the sentence unreadable.
 */
export const readDatabase: KindReader = (s) => {
  const others = readingsOf(s, ["db-other"]);
  if (others.some(({ r }) => r.polarity === "skip" || r.polarity === "weak" || r.polarity === "req" || r.polarity === "perm"))
    return { found: [], unreadable: true };
  const groups = partsByHardness(s, ["db"]);
  if (!groups) return { found: [], unreadable: true };
  const found: Found[] = [];
  for (const [hard, { at, asked, ruledOut }] of groups) {
    const pool = asked.length > 0 ? unique(asked) : [...databaseEngines];
    const allow = pool.filter((engine) => !ruledOut.includes(engine)) as DbEngine[];
    if (allow.length === 0) return { found: [], unreadable: true };
    found.push({ at, wish: wish(s, { kind: "database-engine", allow, hard }) });
  }
  return groups.size === 0 ? NOTHING : finish(found);
};

/** Allowed and forbidden values of a set kind; a value both asked for and ruled out is unreadable. */
function allowForbid(s: Sentence, topic: Topic, make: (allow: string[], forbid: string[], hard: boolean) => Found["wish"]): KindResult {
  const groups = partsByHardness(s, [topic]);
  if (!groups) return { found: [], unreadable: true };
  const found: Found[] = [];
  for (const [hard, { at, asked, ruledOut }] of groups) {
    const allow = unique(asked);
    const forbid = unique(ruledOut);
    if (allow.some((value) => forbid.includes(value))) return { found: [], unreadable: true };
    found.push({ at, wish: make(allow, forbid, hard) });
  }
  return finish(found);
}

/** Instance families: "only m7g or r7g", "no burstable instances" (t2, t3, t3a, t4g). */
export const readFamilies: KindReader = (s) => allowForbid(s, "family", (allow, forbid, hard) => wish(s, { kind: "instance-families", allow, forbid, hard }));

/** Regions and region prefixes: "data must stay in the EU" → eu-*; "not in us-east-1". */
export const readRegions: KindReader = (s) => allowForbid(s, "region", (allow, forbid, hard) => wish(s, { kind: "region", allow, forbid, hard }));
