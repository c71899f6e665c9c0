import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Deterministic pseudo-random numbers (mulberry32) so every run generates the same corpus. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOMAIN = (
  "pod node cluster deployment replica service ingress latency error timeout disk memory cpu throttling database " +
  "postgres replication lag backup snapshot restore failover subnet vpc route dns resolver certificate tls rotation " +
  "secret key iam role policy bucket encryption alarm metric dashboard slo budget burn rate incident rollback " +
  "helm terraform kubernetes autoscaler queue worker consumer offset partition cache eviction connection pool " +
  "nat gateway load balancer target health check probe readiness liveness restart crash oom kernel volume mount"
).split(" ");

/** A vocabulary: domain words plus generated ones, drawn with a Zipf-like skew like real text. */
function vocabulary(random: () => number, size: number): string[] {
  const words = [...DOMAIN];
  const syllables = ["ka", "ro", "te", "mi", "lu", "sa", "po", "ne", "vi", "da", "go", "ri", "fe", "zu"];
  while (words.length < size) {
    let word = "";
    const parts = 2 + Math.floor(random() * 3);
    for (let i = 0; i < parts; i++) word += syllables[Math.floor(random() * syllables.length)];
    words.push(word);
  }
  return words;
}

function zipfPick(random: () => number, words: string[]): string {
  // inverse-CDF of a ~1/rank distribution
  const index = Math.floor(Math.exp(random() * Math.log(words.length + 1))) - 1;
  return words[Math.min(index, words.length - 1)] as string;
}

export interface GeneratedCorpus {
  folder: string;
  files: number;
  sections: number;
  queries: string[];
}

/**
 * Writes `files` Markdown runbooks of `sectionsPerFile` sections each (one chunk per
 * section) into `folder`, plus query strings drawn from the same vocabulary.
 */
export function generateCorpus(folder: string, files: number, sectionsPerFile: number, queryCount: number, seed = 42): GeneratedCorpus {
  const random = seededRandom(seed);
  const words = vocabulary(random, 20_000);
  const sentence = (length: number) => Array.from({ length }, () => zipfPick(random, words)).join(" ");
  mkdirSync(folder, { recursive: true });
  for (let f = 0; f < files; f++) {
    const lines = [`# Runbook ${f}: ${sentence(4)}`, "", sentence(30), ""];
    for (let s = 0; s < sectionsPerFile - 1; s++) {
      lines.push(`## ${sentence(3)}`, "", `${sentence(60)}.`, "", `- ${sentence(20)}`, `- ${sentence(20)}`, "");
    }
    const dir = join(folder, `team-${f % 20}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `runbook-${f}.md`), lines.join("\n"));
  }
  const queries = Array.from({ length: queryCount }, () => sentence(3 + Math.floor(random() * 5)));
  return { folder, files, sections: files * sectionsPerFile, queries };
}

/** Sections, hence chunks, per generated file: the chunker makes one chunk per section. */
export const SECTIONS_PER_FILE = 10;

/** One corpus size the benchmark runs at, named as on the command line ("20k"). */
export interface CorpusSize {
  label: string;
  chunks: number;
  files: number;
}

/** "1k" → 1 000 chunks in 100 files; a plain number is a chunk count. Refuses what is not a positive multiple of a file. */
export function corpusSize(label: string): CorpusSize {
  const match = /^(\d+)(k?)$/i.exec(label.trim());
  const chunks = match ? Number(match[1]) * (match[2] ? 1000 : 1) : Number.NaN;
  if (!Number.isInteger(chunks) || chunks < SECTIONS_PER_FILE || chunks % SECTIONS_PER_FILE !== 0) {
    throw new Error(`corpus size "${label}": want a chunk count such as 1k, 20k or 5000 (a multiple of ${SECTIONS_PER_FILE})`);
  }
  return { label: label.trim().toLowerCase(), chunks, files: chunks / SECTIONS_PER_FILE };
}

/** "1k,20k" → the sizes, smallest first (growth ratios compare each size with the one before). */
export function parseSizes(list: string): CorpusSize[] {
  const sizes = list
    .split(",")
    .filter((part) => part.trim())
    .map(corpusSize);
  if (!sizes.length) throw new Error("--sizes: name at least one size, e.g. 1k,20k");
  const distinct = new Map(sizes.map((size) => [size.chunks, size]));
  return [...distinct.values()].sort((a, b) => a.chunks - b.chunks);
}
