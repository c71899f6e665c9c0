import { clauseOf, mentionAt, type Sentence } from "./clauses.js";
import { type Found, type KindReader, NOTHING, wish } from "./found.js";
import type { Mention } from "./lexicon.js";
import { readMention } from "./polarity.js";

/**
 * Readers for the network kinds: NAT gateways (none, one shared, one per AZ), the number of
 * availability zones, and an existing VPC or subnets to deploy into.
 */

function word(s: Sentence, at: number): string {
  return s.tokens[at]?.norm ?? "";
}

const ONE = new Set(["single", "one", "1", "shared"]);
const EACH = new Set(["per", "each", "every"]);

/** How many NAT gateways a mention names: "one shared NAT" → single, "a NAT per AZ" → per-az, else null. */
function natCount(s: Sentence, m: Mention): "single" | "per-az" | null {
  const clause = clauseOf(s, m.start);
  const azAt = (at: number) => mentionAt(s, at)?.topic === "az";
  // after the term: "NAT gateway per AZ", "a NAT in each of the AZs"
  for (let i = m.end; i < Math.min(clause.end, m.end + 4); i += 1) {
    if (EACH.has(word(s, i)) && [1, 2, 3, 4].some((k) => azAt(i + k))) return "per-az";
  }
  // before the term: "per-AZ NAT", "redundant NAT", "one shared NAT gateway"
  let single = false;
  for (let i = m.start - 1; i >= Math.max(clause.start, m.start - 3); i -= 1) {
    const w = word(s, i);
    if (azAt(i) && word(s, i - 1) === "per") return "per-az";
    if (w === "redundant" || w === "ha") return "per-az";
    if (ONE.has(w)) single = true;
  }
  return single ? "single" : null;
}

/**
 * "no NAT gateway" → none; "one shared NAT" → single; "NAT per AZ" → per-az (a stated count
 * needs no verb). "use a NAT" (how many?) and a ruled-out count ("not one NAT per AZ") are unreadable.
 */
export const readNat: KindReader = (s) => {
  const values: { at: number; value: "none" | "single" | "per-az"; hard: boolean }[] = [];
  for (const m of s.mentions.filter((x) => x.topic === "nat")) {
    const count = natCount(s, m);
    const r = readMention(s, m, count !== null);
    if (r.polarity === "skip") return { found: [], unreadable: true };
    if (r.polarity === "none") continue;
    // "no NAT", and "we don't need a NAT" (soft: the reading marks "not needed" soft)
    const value = r.polarity === "neg" || r.polarity === "weak" ? (count === null ? "none" : null) : count;
    if (value === null) return { found: [], unreadable: true };
    values.push({ at: m.start, value, hard: r.hard });
  }
  const first = values[0];
  if (!first) return NOTHING;
  if (values.some((v) => v.value !== first.value)) return { found: [], unreadable: true };
  return { found: [{ at: first.at, wish: wish(s, { kind: "nat", value: first.value, hard: values.some((v) => v.hard) }) }], unreadable: false };
};

const NUMBERS: Readonly<Record<string, number>> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };
const numberAt = (s: Sentence, at: number): number | undefined => NUMBERS[word(s, at)] ?? (/^\d+$/.test(word(s, at)) ? Number(word(s, at)) : undefined);

interface Bounds {
  min: number | null;
  max: number | null;
}

/** One bound ending at token `at` ("at least 3", "no more than 2", "2-3", "single", "multi"), and where it starts. */
function boundAt(s: Sentence, at: number): { bounds: Bounds; start: number } | null {
  const w = word(s, at);
  // "Multi-AZ", "multiple AZs", "a second AZ"
  if (w === "multi" || w === "multiple" || w === "several" || w === "second") return { bounds: { min: 2, max: null }, start: at };
  if (w === "single") return { bounds: { min: null, max: 1 }, start: word(s, at - 1) === "a" ? at - 1 : at };
  const range = /^(\d)-(\d)$/.exec(w);
  if (range) return { bounds: { min: Number(range[1]), max: Number(range[2]) }, start: at };
  const plus = w === "+";
  const n = numberAt(s, plus ? at - 1 : at);
  if (n === undefined) return null;
  const j = plus ? at - 2 : at - 1;
  const before = word(s, j);
  const lower = numberAt(s, j - 1);
  if (plus) return { bounds: { min: n, max: null }, start: at - 1 };
  if ((before === "to" || before === "or" || before === "-") && lower !== undefined) return { bounds: { min: lower, max: n }, start: j - 1 };
  if (before === "least" && word(s, j - 1) === "at") return { bounds: { min: n, max: null }, start: j - 1 };
  if (before === "most" && word(s, j - 1) === "at") return { bounds: { min: null, max: n }, start: j - 1 };
  if (before === "than") {
    const negated = ["no", "not", "never"].includes(word(s, j - 2));
    const more = word(s, j - 1) === "more";
    if (more) return { bounds: negated ? { min: null, max: n } : { min: n + 1, max: null }, start: negated ? j - 2 : j - 1 };
    if (word(s, j - 1) === "fewer" || word(s, j - 1) === "less") return { bounds: negated ? { min: n, max: null } : { min: null, max: n - 1 }, start: j - 2 };
  }
  if (before === "minimum" || before === "min" || (before === "of" && word(s, j - 1) === "minimum")) return { bounds: { min: n, max: null }, start: j };
  if (before === "maximum" || before === "max" || (before === "to" && word(s, j - 1) === "up")) return { bounds: { min: null, max: n }, start: j };
  if (before === "exactly") return { bounds: { min: n, max: n }, start: j };
  // a bare count: one AZ is an upper bound (single AZ), more than one is exact ("across three zones")
  return { bounds: n === 1 ? { min: null, max: 1 } : { min: n, max: n }, start: at };
}

/** "three AZs minimum", "2 AZs or more": a bare count turned into a bound by the words after it. */
function boundAfter(s: Sentence, m: Mention, n: number): Bounds | null {
  const [a, b] = [word(s, m.end), word(s, m.end + 1)];
  if (a === "minimum" || a === "min" || (a === "or" && b === "more") || (a === "at" && b === "least")) return { min: n, max: null };
  if (a === "maximum" || a === "max" || (a === "or" && (b === "fewer" || b === "less")) || (a === "at" && b === "most")) return { min: null, max: n };
  return null;
}

/** The AZ count a mention states, from the words around it; null when it states none ("per AZ"). */
function zoneBounds(s: Sentence, m: Mention): Bounds | null {
  const first = boundAt(s, m.start - 1);
  if (!first) return null;
  const exact = first.bounds.min !== null && first.bounds.min === first.bounds.max && first.start === m.start - 1;
  const bounds = (exact && first.bounds.min !== null ? boundAfter(s, m, first.bounds.min) : null) ?? { ...first.bounds };
  // "at least 2 and at most 3 AZs"
  if (word(s, first.start - 1) === "and") {
    const second = boundAt(s, first.start - 2);
    if (second) {
      bounds.min = bounds.min ?? second.bounds.min;
      bounds.max = bounds.max ?? second.bounds.max;
    }
  }
  return bounds;
}

const inRange = (n: number | null) => n === null || (Number.isInteger(n) && n >= 1 && n <= 6);

/**
 * Availability zones: "single AZ is acceptable" → max 1 (soft); "at least 3 AZs" → min 3;
 * "multi-AZ required" → min 2. Ruling out one AZ asks for two, ruling out Multi-AZ asks for one;
 * ruling out another count ("not 3 AZs") is unreadable.
 */
export const readZones: KindReader = (s) => {
  const found: Found[] = [];
  for (const m of s.mentions.filter((x) => x.topic === "az")) {
    let bounds = zoneBounds(s, m);
    if (!bounds) continue;
    const r = readMention(s, m, true);
    if (r.polarity === "skip" || r.polarity === "none") return { found: [], unreadable: r.polarity === "skip" };
    if (r.polarity === "neg") {
      if (bounds.min === null && bounds.max === 1) bounds = { min: 2, max: null };
      else if (bounds.min === 2 && bounds.max === null) bounds = { min: null, max: 1 };
      else return { found: [], unreadable: true };
    } else if (r.polarity === "weak") {
      // "Multi-AZ is not required", "no need for a second AZ": one AZ will do (soft)
      if (bounds.min === 2 && bounds.max === null) bounds = { min: null, max: 1 };
      else return { found: [], unreadable: true };
    }
    if (!inRange(bounds.min) || !inRange(bounds.max) || (bounds.min !== null && bounds.max !== null && bounds.min > bounds.max))
      return { found: [], unreadable: true };
    const { min, max } = bounds;
    if (!found.some((f) => f.wish.kind === "availability-zones" && f.wish.min === min && f.wish.max === max)) {
      found.push({ at: m.start, wish: wish(s, { kind: "availability-zones", min, max, hard: r.hard }) });
    }
  }
  return { found, unreadable: false };
};

const EXISTING = new Set(["existing", "current", "shared", "pre-existing", "preexisting", "same"]);
const NEW = new Set(["new", "fresh", "separate", "dedicated", "another", "additional"]);
const REUSE = new Set(["reuse", "re-use", "reusing", "re-using"]);

/** Whether a network noun is qualified as existing or new ("existing VPC", "a new VPC", "reuse the VPC"). */
function qualifier(s: Sentence, m: Mention): "existing" | "new" | null {
  const clause = clauseOf(s, m.start);
  for (let i = m.start - 1; i >= Math.max(clause.start, m.start - 3); i -= 1) {
    if (EXISTING.has(word(s, i))) return "existing";
    if (NEW.has(word(s, i))) return "new";
  }
  for (let i = clause.start; i < m.start; i += 1) {
    if (REUSE.has(word(s, i))) return "existing";
    if (word(s, i) === "create" || word(s, i) === "provision") return "new";
  }
  return null;
}

/**
 * An existing network: VPC and subnet ids (validated by shape, kept verbatim), "the existing
 * VPC" (no id: vpc_id null), or "do not create a new VPC". An id-like word AWS would not issue
 * ("vpc-123"), two VPC ids, or a ruled-out id make the sentence unreadable.
 */
export const readNetwork: KindReader = (s) => {
  // "the existing VPC", "a new VPC": a qualified network noun states a wish without a verb
  const readings = s.mentions
    .filter((m) => m.topic === "vpc-id" || m.topic === "subnet-id" || m.topic === "bad-id" || m.topic === "network")
    .map((m) => ({ m, r: readMention(s, m, m.topic !== "network" || qualifier(s, m) !== null) }));
  if (readings.length === 0) return NOTHING;
  let existing = false;
  let hard = false;
  let at = -1;
  const vpcIds: string[] = [];
  const subnetIds: string[] = [];
  for (const { m, r } of readings) {
    if (m.topic === "bad-id" || r.polarity === "skip" || r.polarity === "weak") return { found: [], unreadable: true };
    let uses = false;
    if (m.topic === "network") {
      const q = qualifier(s, m);
      if (q === "existing" && r.polarity === "neg") return { found: [], unreadable: true };
      uses = (q === "existing" && r.polarity !== "none") || (q === "new" && r.polarity === "neg");
    } else {
      if (r.polarity === "neg") return { found: [], unreadable: true };
      uses = true;
      (m.topic === "vpc-id" ? vpcIds : subnetIds).push(...m.values);
    }
    if (uses) {
      existing = true;
      hard ||= r.hard;
      if (at < 0) at = m.start;
    }
  }
  const vpcs = [...new Set(vpcIds)];
  if (vpcs.length > 1) return { found: [], unreadable: true };
  if (!existing) return NOTHING;
  const body = { kind: "existing-network" as const, vpc_id: vpcs[0] ?? null, subnet_ids: [...new Set(subnetIds)], hard };
  return { found: [{ at, wish: wish(s, body) }], unreadable: false };
};
