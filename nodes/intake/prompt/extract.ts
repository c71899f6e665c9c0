import type { clouds, environments, workloadTypes } from "../../../schemas/goal.js";
import { type DecidingPath, decidingPaths, defaultFor, questionFor } from "./defaults.js";

/**
 * The deterministic reading of a plain-language goal ("a Postgres-backed orders API in eu-west-1,
 * about 800 rps, 99.95 % availability, under $2,000 a month, no Kubernetes"). Atlas must plan
 * without a model key, so this reads only what a sentence states with certainty: each value comes
 * with the exact span it was read from, and a fact the text does not state is never filled here
 * (the deciding ones are listed in `missing`, with a question and a default, instead).
 */

/** A GoalStatement field the extractor can read. Array fields (`constraints`, `compliance`) appear once per item. */
export type FieldPath =
  | "cloud"
  | "region"
  | "environment"
  | "workload.type"
  | "workload.requests_per_second"
  | "workload.messages_per_second"
  | "workload.payload_kb"
  | "workload.data_size_gb"
  | "workload.growth_percent_per_month"
  | "workload.runs_per_day"
  | "workload.needs_database"
  | "workload.needs_cache"
  | "slo.availability"
  | "slo.p95_latency_ms"
  | "budget.monthly_usd"
  | "constraints"
  | "compliance";

/** One value read from the prompt; `from` is the exact text it was read from (a substring of the prompt). */
export interface ExtractedField {
  path: FieldPath;
  value: string | number | boolean;
  from: string;
  /** how the text was read when it is not literal (a conversion, an assumed currency) */
  note?: string;
}

/** A deciding fact the prompt does not state: what to ask, and what is assumed when nobody answers. */
export interface MissingFact {
  path: DecidingPath;
  question: string;
  default: string | number;
  why: string;
}

export interface Interpretation {
  name: string;
  description: string;
  fields: ExtractedField[];
  missing: MissingFact[];
}

type Cloud = (typeof clouds)[number];
type Environment = (typeof environments)[number];
type WorkloadType = (typeof workloadTypes)[number];

/** A regex hit: where it starts in the prompt and the exact text. */
interface Hit {
  index: number;
  text: string;
  groups: (string | undefined)[];
}

/** Every match of `re` (made global) in `text`. */
function hits(text: string, re: RegExp): Hit[] {
  const flags = re.flags.includes("g") ? re.flags : `${re.flags}g`;
  return [...text.matchAll(new RegExp(re.source, flags))].map((m) => ({ index: m.index ?? 0, text: m[0], groups: m.slice(1) }));
}

/** "2,000", "2.5k", "1.2M", "20000" as a number; trailing space is left to the unit that follows. */
const NUM = String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?([kKM])(?![a-zA-Z]))?`;

function parseNumber(digits: string | undefined, suffix: string | undefined): number {
  const base = Number((digits ?? "").replaceAll(",", ""));
  // patterns are case-insensitive, so "1.2m requests" is a million too (never minutes: a unit follows)
  if (suffix?.toLowerCase() === "k") return base * 1_000;
  if (suffix?.toLowerCase() === "m") return base * 1_000_000;
  return base;
}

/** Two decimals: a per-second rate from a per-minute figure has no meaningful third. */
const round2 = (n: number) => Math.round(n * 100) / 100;

/** A clause boundary: sentence ends, ", ", " — ", ": " (not the comma or dot inside "2,000" or "99.95"). */
const CLAUSE_BOUNDARY = /[.;!?](?=\s|$)|,(?=\s)|\s[—–-]\s|:\s|\n/g;

interface Clause {
  start: number;
  text: string;
}

/** The prompt cut at clause boundaries, each clause trimmed, with where it starts. */
function clauses(prompt: string): Clause[] {
  const out: Clause[] = [];
  let start = 0;
  const push = (end: number) => {
    const raw = prompt.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text) out.push({ start: start + lead, text });
  };
  for (const m of prompt.matchAll(CLAUSE_BOUNDARY)) {
    push(m.index);
    start = m.index + m[0].length;
  }
  push(prompt.length);
  return out;
}

/** The clause holding position `index`. */
function clauseAt(prompt: string, index: number): string {
  const all = clauses(prompt);
  return all.findLast((c) => c.start <= index)?.text ?? prompt;
}

/** Whether the words just before `index` negate what follows ("not in us-east-1", "without a database"). */
function negated(prompt: string, index: number): boolean {
  const before = prompt.slice(Math.max(0, index - 24), index);
  return /\b(?:not|no|never|avoid|without|off|outside(?:\s+of)?|except|don't\s+need|do\s+not\s+need)(?:\s+(?:in|on|use|using|an?|the|any|relational))*\s*$/i.test(
    before,
  );
}

const PER_SECOND: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hr: 3600, hour: 3600, d: 86_400, day: 86_400 };
const PERIOD = String.raw`(?:\s*\/\s*|\s+(?:per|a|an|each|every)\s+)(s|sec|second|m|min|minute|h|hr|hour|d|day)s?\b`;

/** The largest rate the prompt states with `nouns` (requests or messages), per second: the schema's figures are peaks. */
function readRate(prompt: string, path: FieldPath, nouns: string, shorthand: string | null): ExtractedField | null {
  const withPeriod = hits(prompt, new RegExp(String.raw`${NUM}\s*(?:${nouns})${PERIOD}`, "i")).map((h) => ({
    h,
    value: parseNumber(h.groups[0], h.groups[1]) / (PER_SECOND[(h.groups[2] ?? "s").toLowerCase()] ?? 1),
    per: (h.groups[2] ?? "s").toLowerCase(),
  }));
  const short = shorthand
    ? hits(prompt, new RegExp(String.raw`${NUM}\s*(?:${shorthand})\b`, "i")).map((h) => ({ h, value: parseNumber(h.groups[0], h.groups[1]), per: "s" }))
    : [];
  const best = [...withPeriod, ...short].sort((a, b) => b.value - a.value)[0];
  if (!best) return null;
  const field: ExtractedField = { path, value: round2(best.value), from: best.h.text };
  if (PER_SECOND[best.per] !== 1) field.note = `converted to per second (${best.per} → second)`;
  return field;
}

const MONTHS_PER: Record<string, number> = {
  day: 365 / 12,
  daily: 365 / 12,
  week: 52 / 12,
  weekly: 52 / 12,
  month: 1,
  mo: 1,
  mth: 1,
  monthly: 1,
  quarter: 1 / 3,
  quarterly: 1 / 3,
  year: 1 / 12,
  yr: 1 / 12,
  annum: 1 / 12,
  annually: 1 / 12,
  yearly: 1 / 12,
};
const MONEY = new RegExp(
  String.raw`(?:(US\$|\$|€|£|USD|EUR|GBP)\s*${NUM}|${NUM}\s*(USD|US dollars|dollars|grand|EUR|euros?|GBP|pounds)\b)(?:(?:\s*\/\s*|\s+(?:per|a|an|each|every)\s+)(day|week|month|mo|mth|quarter|year|yr|annum)\b|\s+(daily|weekly|monthly|quarterly|yearly|annually)\b)?`,
  "i",
);

/** The budget: the first amount of money, brought to a month; one without a period is taken as monthly, and said so. */
function readBudget(prompt: string): ExtractedField | null {
  const all = hits(prompt, MONEY);
  const hit = all.find((h) => h.groups[5] || h.groups[6]) ?? all[0];
  if (!hit) return null;
  const [symbol, d1, s1, d2, s2, word, period, adverb] = hit.groups;
  const amount = symbol ? parseNumber(d1, s1) : parseNumber(d2, s2) * (word?.toLowerCase() === "grand" ? 1000 : 1);
  const per = (period ?? adverb ?? "").toLowerCase();
  const notes: string[] = [];
  const currency = (symbol ?? word ?? "").toLowerCase();
  if (!["$", "us$", "usd", "us dollars", "dollars", "grand"].includes(currency)) notes.push(`currency assumed USD (the prompt says ${symbol ?? word})`);
  if (!per) notes.push("no period stated: taken as per month");
  else if (MONTHS_PER[per] !== 1) notes.push(`converted to per month (${per})`);
  const field: ExtractedField = { path: "budget.monthly_usd", value: round2(amount * (MONTHS_PER[per] ?? 1)), from: hit.text };
  if (notes.length) field.note = notes.join("; ");
  return field;
}

const KIB: Record<string, number> = {
  kb: 1,
  kib: 1,
  mb: 1024,
  mib: 1024,
  gb: 1024 ** 2,
  gib: 1024 ** 2,
  tb: 1024 ** 3,
  tib: 1024 ** 3,
  pb: 1024 ** 4,
  pib: 1024 ** 4,
};
const PAYLOAD_WORDS = /\b(?:payloads?|messages?|requests?|bod(?:y|ies)|responses?|objects?|files?|images?|events? of)\b/i;

/**
 * Sizes: KB are payloads; MB are payloads when the clause speaks of payloads, messages or
 * requests; GB and above are the data kept, unless they are a rate ("300 GB per day" is
 * throughput, not what is stored). Units are binary, as cloud storage bills them.
 */
function readSizes(prompt: string): ExtractedField[] {
  let payload: ExtractedField | null = null;
  let data: ExtractedField | null = null;
  for (const h of hits(prompt, new RegExp(String.raw`${NUM}\s*(KB|KiB|MB|MiB|GB|GiB|TB|TiB|PB|PiB)\b`, "i"))) {
    const unit = (h.groups[2] ?? "").toLowerCase();
    const kib = parseNumber(h.groups[0], h.groups[1]) * (KIB[unit] ?? 1);
    const after = prompt.slice(h.index + h.text.length, h.index + h.text.length + 16);
    if (/^\s*(?:\/\s*|per\s+|an?\s+|each\s+)(?:s|sec|second|min|minute|h|hour|day|week|month)\b/i.test(after)) continue;
    const clause = clauseAt(prompt, h.index);
    // the words just before the size, within its clause ("payloads of 8 KB, 16 GB of data": the GB are data)
    const before =
      prompt
        .slice(Math.max(0, h.index - 20), h.index)
        .split(/[,;.!?:]\s/)
        .pop() ?? "";
    const isPayload = unit.startsWith("k") || (unit.startsWith("m") && PAYLOAD_WORDS.test(clause)) || PAYLOAD_WORDS.test(before);
    if (isPayload && !payload) payload = { path: "workload.payload_kb", value: round2(kib), from: h.text };
    else if (!isPayload && !unit.startsWith("k") && !unit.startsWith("m") && !data)
      data = { path: "workload.data_size_gb", value: round2(kib / 1024 ** 2), from: h.text };
  }
  return [payload, data].filter((f): f is ExtractedField => f !== null);
}

const NINES: Record<string, number> = { two: 99, "2": 99, three: 99.9, "3": 99.9, four: 99.99, "4": 99.99, five: 99.999, "5": 99.999 };
const PCT = String.raw`(\d{2}(?:\.\d+)?)`;

/**
 * Availability: a percentage named as availability, uptime or SLA; "four nines"; else a bare
 * percentage between 90 and 99.999 that is not a share of requests ("99.9 % of requests under
 * 300 ms" is a latency objective) nor a growth rate.
 */
function readAvailability(prompt: string): ExtractedField | null {
  const named = [
    new RegExp(
      String.raw`\b(?:availability|uptime|SLA|SLO)(?:\s*:|\s+(?:target|objective|goal|of|is|at|must be|should be))*\s*${PCT}(?:\s*(?:%|percent\b))?`,
      "i",
    ),
    new RegExp(String.raw`${PCT}\s*(?:%|percent\b)?\s*(?:availability|uptime|SLA)\b`, "i"),
  ];
  for (const re of named) {
    const hit = hits(prompt, re).find((h) => inAvailabilityRange(Number(h.groups[0])));
    if (hit) return { path: "slo.availability", value: Number(hit.groups[0]), from: hit.text };
  }
  const nines = hits(prompt, /\b(two|three|four|five|[2-5])\s+nines\b/i)[0];
  if (nines) return { path: "slo.availability", value: NINES[(nines.groups[0] ?? "").toLowerCase()] ?? 99.9, from: nines.text };
  const bare = hits(prompt, new RegExp(String.raw`${PCT}\s*(?:%|percent\b)`, "i")).find((h) => {
    if (!inAvailabilityRange(Number(h.groups[0]))) return false;
    const after = prompt.slice(h.index + h.text.length, h.index + h.text.length + 30);
    return !/^\s*of\s+(?:the\s+|all\s+)?(?:requests|calls|responses|queries|traffic)\b/i.test(after) && !/\bgr[eo]w/i.test(clauseAt(prompt, h.index));
  });
  return bare ? { path: "slo.availability", value: Number(bare.groups[0]), from: bare.text } : null;
}

const inAvailabilityRange = (n: number) => n >= 90 && n <= 99.999;

/** Latency: a figure in ms (or s) after p95/p99/latency/"N % of requests"; else any "N ms". */
function readLatency(prompt: string): ExtractedField | null {
  const context =
    /(?:\bp\d{2}(?:\.\d+)?\b|\b\d{2}(?:\.\d+)?\s*%\s*of\s+(?:the\s+|all\s+)?(?:requests|calls|responses)|\blatency\b|\bresponse\s+times?\b)[^,;]{0,40}?(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)\b/i;
  const hit = hits(prompt, context)[0] ?? hits(prompt, /(\d+(?:\.\d+)?)\s*(ms|milliseconds?)\b/i)[0];
  if (!hit) return null;
  const [digits, unit] = hit.groups;
  const ms = Number(digits) * ((unit ?? "ms").toLowerCase().startsWith("m") ? 1 : 1000);
  const field: ExtractedField = { path: "slo.p95_latency_ms", value: ms, from: hit.text };
  const share = /(\d{2}(?:\.\d+)?)\s*%\s*of/.exec(hit.text);
  if (share && Number(share[1]) > 95) field.note = `a bound on the ${share[1]}th percentile, which also bounds p95`;
  else if (/\bp(?!95)\d{2}/i.test(hit.text)) field.note = "a bound on another percentile, read as the p95 objective";
  return field;
}

/** Monthly growth of traffic and data: "grows 10% a month", "growth 20% per month", "5% month-over-month". */
function readGrowth(prompt: string): ExtractedField | null {
  const hit =
    hits(prompt, /\bgr[eo]w\w*\b[^.;,]{0,20}?(\d+(?:\.\d+)?)\s*%\s*(?:a|per|each|every|\/)\s*month\b/i)[0] ??
    hits(prompt, /(\d+(?:\.\d+)?)\s*%\s*(?:monthly\s+growth|growth\s+(?:a|per)\s+month|month[- ]over[- ]month)/i)[0];
  return hit ? { path: "workload.growth_percent_per_month", value: Number(hit.groups[0]), from: hit.text } : null;
}

const COUNT_WORDS: Record<string, number> = { once: 1, twice: 2, three: 3, four: 4, six: 6, twelve: 12 };
const countOf = (word: string | undefined) => COUNT_WORDS[(word ?? "").toLowerCase()] ?? Number(word);

/** Batch runs per day: nightly/daily, hourly, every N hours or minutes, N times a day. */
function readRuns(prompt: string): ExtractedField | null {
  const rules: [RegExp, (h: Hit) => number][] = [
    [/\bevery\s+(\d+)\s+hours?\b/i, (h) => Math.ceil(24 / Number(h.groups[0]))],
    [/\bevery\s+(\d+)\s+min(?:ute)?s?\b/i, (h) => Math.ceil(1440 / Number(h.groups[0]))],
    [/\b(?:(\d+|three|four|six|twelve)\s+times|(once|twice))\s+(?:a|per|each)\s+day\b/i, (h) => countOf(h.groups[0] ?? h.groups[1])],
    [/\b(\d+)\s+runs?\s+(?:a|per|each)\s+day\b/i, (h) => Number(h.groups[0])],
    [/\b(?:hourly|every\s+hour)\b/i, () => 24],
    [/\b(?:nightly|daily|every\s+(?:day|night)|each\s+night)\b/i, () => 1],
  ];
  for (const [re, value] of rules) {
    const hit = hits(prompt, re)[0];
    if (!hit) continue;
    const runs = value(hit);
    if (Number.isInteger(runs) && runs >= 0 && runs <= 1440) return { path: "workload.runs_per_day", value: runs, from: hit.text };
  }
  return null;
}

/** One value named by several words, negated mentions ("not on Azure") aside; several different values named is no reading (ambiguous). */
function readOneOf<T extends string | number | boolean>(prompt: string, path: FieldPath, table: [RegExp, T][]): ExtractedField | null {
  const found: { value: T; hit: Hit }[] = [];
  for (const [re, value] of table) {
    for (const hit of hits(prompt, re)) if (!negated(prompt, hit.index)) found.push({ value, hit });
  }
  const values = new Set(found.map((f) => f.value));
  if (values.size !== 1) return null;
  const first = found.sort((a, b) => a.hit.index - b.hit.index)[0];
  return first ? { path, value: first.value, from: first.hit.text } : null;
}

const CLOUDS: [RegExp, Cloud][] = [
  [/\b(?:aws|amazon web services|amazon)\b/i, "aws"],
  [/\b(?:gcp|google cloud(?: platform)?)\b/i, "gcp"],
  [/\b(?:microsoft\s+)?azure\b/i, "azure"],
];

const ENVIRONMENTS: [RegExp, Environment][] = [
  [/(?<!pre-?)\b(?:production|prod)\b/i, "prod"],
  [/\b(?:staging|pre-?prod(?:uction)?)\b/i, "staging"],
  [/\b(?:development|dev)\b/i, "dev"],
];

/** Plain-language AWS locations that name exactly one region. Kept small: only names with no doubt. */
const PLACES: [RegExp, string][] = [
  [/\b(?:ireland|dublin)\b/i, "eu-west-1"],
  [/\bfrankfurt\b/i, "eu-central-1"],
  [/\blondon\b/i, "eu-west-2"],
  [/\bparis\b/i, "eu-west-3"],
  [/\bstockholm\b/i, "eu-north-1"],
  [/\bmilan\b/i, "eu-south-1"],
  [/\b(?:n\.|north(?:ern)?)\s*virginia\b/i, "us-east-1"],
  [/\bohio\b/i, "us-east-2"],
  [/\b(?:n\.|north(?:ern)?)\s*california\b/i, "us-west-1"],
  [/\boregon\b/i, "us-west-2"],
  [/\btokyo\b/i, "ap-northeast-1"],
  [/\bseoul\b/i, "ap-northeast-2"],
  [/\bsingapore\b/i, "ap-southeast-1"],
  [/\bsydney\b/i, "ap-southeast-2"],
  [/\bmumbai\b/i, "ap-south-1"],
  [/\bs(?:ã|a)o\s+paulo\b/i, "sa-east-1"],
];
const AWS_REGION = /\b(?:us|eu|ap|sa|ca|me|af|il|mx)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d\b/i;

/** Azure region names as Azure writes them (`westeurope`, `eastus2`); the common ones, no places. */
const AZURE_REGION =
  /\b(?:(?:east|west|central|north|south|northcentral|southcentral|westcentral)us[23]?|(?:north|west)europe|uk(?:south|west)|francecentral|germanywestcentral|swedencentral|switzerlandnorth|norwayeast|polandcentral|italynorth|(?:east|southeast)asia|japan(?:east|west)|korea(?:central|south)|australia(?:east|southeast|central)|canada(?:central|east)|brazilsouth|centralindia|southafricanorth|uaenorth)\b/i;
/** Google Cloud region names (`europe-west1`, `us-central1`). */
const GCP_REGION =
  /\b(?:us|europe|asia|australia|northamerica|southamerica|me|africa)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)\d{1,2}\b/i;

/** One region of another cloud named in the prompt, not negated; two different ones are a choice, not a reading. */
function readOtherRegion(prompt: string, pattern: RegExp): ExtractedField | null {
  const named = hits(prompt, pattern).filter((h) => !negated(prompt, h.index));
  const names = new Set(named.map((h) => h.text.toLowerCase()));
  const first = named[0];
  return names.size === 1 && first ? { path: "region", value: first.text.toLowerCase(), from: first.text } : null;
}

/**
 * The region: an AWS region name, else a place that names one, said as where it runs ("in
 * Frankfurt", "Frankfurt region"; "for London customers" is the audience, not the region); a
 * negated one ("not in us-east-1") is not the region, and two different ones are a choice, not a
 * reading. Places map to AWS regions, so they are not read for another cloud.
 */
function readRegion(prompt: string, cloud: ExtractedField | null): ExtractedField | null {
  if (cloud && cloud.value !== "aws") return readOtherRegion(prompt, cloud.value === "azure" ? AZURE_REGION : GCP_REGION);
  const named = hits(prompt, AWS_REGION).filter((h) => !negated(prompt, h.index));
  const names = new Set(named.map((h) => h.text.toLowerCase()));
  const first = named[0];
  if (names.size === 1 && first) return { path: "region", value: first.text.toLowerCase(), from: first.text };
  if (names.size > 1 || (cloud && cloud.value !== "aws")) return null;
  return readOneOf(
    prompt,
    "region",
    PLACES.map(([place, region]) => [
      new RegExp(String.raw`\b(?:in|to|from|at|region:?)\s+(?:the\s+)?(?:${place.source})|(?:${place.source})\s+region\b`, "i"),
      region,
    ]),
  );
}

/** Workload kinds by their words. "Internal service/API/tool" outranks them all (an internal API is an internal service). */
const KINDS: [RegExp, WorkloadType][] = [
  [/\bstatic\s+(?:web\s*)?site\b|\bstatic\s+website\b|\bwebsite\b|\bSPA\b|\bsingle[- ]page\s+app/i, "static-site"],
  [/\bETL\b|\bELT\b|\bbatch\b|\bpipeline\b/i, "data-pipeline"],
  [/\bworkers?\b|\b(?:queue|message|stream|event|kafka|sqs)\s+consumers?\b|\bconsum(?:es|ing)\s+(?:from\s+)?(?:an?\s+|the\s+)?(?:\w+\s+)?queue\b/i, "worker"],
  [/\bAPIs?\b|\bREST\b|\bHTTP\s+(?:service|server|api)\b|\bweb\s+(?:service|app|backend)\b|\bGraphQL\b/i, "web-api"],
];
const INTERNAL = /\binternal\s+(?:service|api|tool|app(?:lication)?)s?\b/gi;

/** The kind of workload, and the candidates when the prompt names more than one (then it is asked, not read). */
function readKind(prompt: string): { field: ExtractedField | null; candidates: WorkloadType[] } {
  const internal = hits(prompt, INTERNAL)[0];
  if (internal) return { field: { path: "workload.type", value: "internal-service", from: internal.text }, candidates: ["internal-service"] };
  const found = KINDS.flatMap(([re, kind]) => hits(prompt, re).map((hit) => ({ kind, hit })))
    // "no API Gateway" names no API
    .filter(({ hit }) => !negated(prompt, hit.index))
    .sort((a, b) => a.hit.index - b.hit.index);
  const candidates = [...new Set(found.map((f) => f.kind))];
  const first = found[0];
  if (candidates.length === 1 && first) return { field: { path: "workload.type", value: first.kind, from: first.hit.text }, candidates };
  return { field: null, candidates };
}

/** Whether a store is wanted: named (true), or named only after "no"/"without" (false). */
function readNeed(prompt: string, path: FieldPath, re: RegExp): ExtractedField | null {
  const all = hits(prompt, re);
  const positive = all.find((h) => !negated(prompt, h.index));
  if (positive) return { path, value: true, from: positive.text };
  const negative = all[0];
  if (!negative) return null;
  const before = /\b(?:no|without(?:\s+an?)?|not\s+need(?:\s+an?)?|don't\s+need(?:\s+an?)?|do\s+not\s+need(?:\s+an?)?)\s+(?:relational\s+)?$/i.exec(
    prompt.slice(0, negative.index),
  );
  return { path, value: false, from: prompt.slice(before ? before.index : negative.index, negative.index + negative.text.length) };
}

const DATABASE = /\b(?:postgres(?:ql)?|mysql|mariadb|aurora|rds|sql\s+server|relational|databases?|db)\b/i;
const CACHE = /\b(?:redis|memcached|elasticache|valkey|cache[ds]?|caching)\b/i;

const COMPLIANCE: [RegExp, string][] = [
  [/\bPCI(?:[- ]DSS)?\b/i, "pci"],
  [/\bHIPAA\b/i, "hipaa"],
  [/\bSOC\s*-?\s*2\b/i, "soc2"],
  [/\bGDPR\b/i, "gdpr"],
  [/\bISO\s*-?\s*27001\b/i, "iso27001"],
];

function readCompliance(prompt: string): ExtractedField[] {
  return COMPLIANCE.flatMap(([re, value]) => {
    const hit = hits(prompt, re)[0];
    return hit ? [{ path: "compliance" as const, value, from: hit.text, index: hit.index }] : [];
  })
    .sort((a, b) => a.index - b.index)
    .map(({ index: _index, ...field }) => field);
}

/** A clause that states a rule about the design: it starts with one of these words. */
const CONSTRAINT_START =
  /^(?:(?:and|but|also|please)\s+)*((?:no|never|avoid|only|keep|stay|must(?:\s+not)?|mustn't|do\s+not|don't|not\s+in|not\s+on|use\s+only|everything\s+must)\b[\s\S]*)$/i;
/**
 * ... unless the clause is really another field: a budget ("no more than $700", "keep costs below
 * ..."), a latency or percentage objective, a compliance name, or "no database"/"no cache".
 */
const NOT_A_CONSTRAINT =
  /^(?:no\s+(?:more|less|later|earlier)\s+than)\b|\bcosts?\b|\bbudget\b|[$€£%]|\d\s*(?:USD|dollars|grand|ms|milliseconds)\b|\bcompliant\b|^(?:no|without)\s+(?:an?\s+)?(?:relational\s+)?(?:database|db|cache)s?$/i;

/** Constraint sentences, in the user's own words: each clause that starts with "no", "must not", "only", "keep", ... */
function readConstraints(prompt: string): ExtractedField[] {
  return clauses(prompt).flatMap((clause) => {
    const m = CONSTRAINT_START.exec(clause.text);
    const words = m?.[1]?.trim();
    if (!words || NOT_A_CONSTRAINT.test(words)) return [];
    const text = words.slice(0, 200).trim();
    return [{ path: "constraints" as const, value: text, from: text }];
  });
}

const SLUG_STOP = new Set(
  "a an the our my this new rest http web internal static production prod staging dev development queue data batch for stateless simple small please design build set backed cached graphql grade from in on of to with and or at by one some any cheap me us we need want serve hosted run runs"
    .split(" ")
    .filter(Boolean),
);
const SLUG_KINDS = new Set(["api", "service", "worker", "pipeline", "site", "website", "portal", "backend", "app", "job", "consumer", "etl"]);

/**
 * A name for the goal, from the clause that names the kind: the nearest telling word before the
 * kind word ("orders API" → orders-api, "payments web API" → payments-api), else the one after
 * "for" ("service for HR lookups" → hr-service), else the kind alone, else the prompt's first
 * words. Always valid for the schema's name pattern.
 */
export function slugFor(prompt: string): string {
  let kindOnly: string | null = null;
  for (const clause of prompt.toLowerCase().split(/[,.;:!?()—–]/)) {
    const words = clause.match(/[a-z][a-z0-9]*/g) ?? [];
    for (const [i, word] of words.entries()) {
      if (!SLUG_KINDS.has(word)) continue;
      const telling = (w: string | undefined) => w !== undefined && !SLUG_STOP.has(w) && !SLUG_KINDS.has(w);
      const before = [words[i - 1], words[i - 2]].find(telling);
      const after = words[i + 1] === "for" ? [words[i + 2], words[i + 3]].find(telling) : undefined;
      const modifier = before ?? after;
      if (modifier) return validSlug(`${modifier}-${word}`);
      kindOnly ??= word;
    }
  }
  const words = prompt.toLowerCase().match(/[a-z][a-z0-9]*/g) ?? [];
  return validSlug(
    kindOnly ??
      words
        .filter((w) => !SLUG_STOP.has(w) && w.length > 2)
        .slice(0, 3)
        .join("-"),
  );
}

function validSlug(raw: string): string {
  let slug = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  if (slug.length < 3) slug = slug ? `${slug}-goal` : "goal";
  return slug;
}

/** Reads what the prompt states; lists the deciding facts it does not state, each with a question and a default. */
export function interpretPrompt(prompt: string): Interpretation {
  const description = prompt.trim().slice(0, 4000);
  const cloud = readOneOf(prompt, "cloud", CLOUDS);
  const kind = readKind(prompt);
  const fields = [
    cloud,
    readRegion(prompt, cloud),
    readOneOf(prompt, "environment", ENVIRONMENTS),
    kind.field,
    readRate(prompt, "workload.requests_per_second", "requests?|reqs?|queries|calls|hits", "rps|qps|req/s|reqs/s|requests/sec|requests/s"),
    readRate(prompt, "workload.messages_per_second", "messages?|msgs?|events?|jobs?|tasks?", "msg/s|msgs/s|messages/s"),
    ...readSizes(prompt),
    readGrowth(prompt),
    readRuns(prompt),
    readNeed(prompt, "workload.needs_database", DATABASE),
    readNeed(prompt, "workload.needs_cache", CACHE),
    readAvailability(prompt),
    readLatency(prompt),
    readBudget(prompt),
    ...readConstraints(prompt),
    ...readCompliance(prompt),
  ].filter((f): f is ExtractedField => f !== null);
  const read = new Map<string, unknown>(fields.map((f) => [f.path, f.value]));
  const missing: MissingFact[] = [];
  for (const path of decidingPaths) {
    if (read.has(path)) continue;
    const value = defaultFor(path, read, kind.candidates);
    read.set(path, value.value);
    missing.push({ path, question: questionFor(path, kind.candidates), default: value.value, why: value.why });
  }
  return { name: slugFor(description), description, fields, missing };
}
