import type { Token } from "./tokens.js";
import { SUBNET_ID, VPC_ID } from "./wishes.js";

/**
 * The vocabulary of the constraint reader: which words name a thing a constraint can ask for
 * or rule out. Tagging finds these mentions (longest phrase first); whether a mention is
 * wanted, permitted or ruled out is decided later (`polarity.ts`), per kind (`kinds-*.ts`).
 */
export type Topic =
  | "kubernetes"
  | "arch"
  | "nat"
  | "vpc-endpoints"
  | "network"
  | "vpc-id"
  | "subnet-id"
  | "bad-id"
  | "db"
  | "db-other"
  | "az"
  | "serverless"
  | "spot"
  | "on-demand"
  | "family"
  | "region"
  | "control"
  | "private-only"
  | "public"
  | "ignore";

/** A run of tokens [start, end) naming one thing; `values` say which (engines, regions, families …). */
export interface Mention {
  topic: Topic;
  start: number;
  end: number;
  values: readonly string[];
}

const PG = ["postgres", "aurora-postgresql"];
const MY = ["mysql", "aurora-mysql"];
const AURORA = ["aurora-postgresql", "aurora-mysql"];
const BURSTABLE = ["t2", "t3", "t3a", "t4g"];

// Region codes from the AWS regions list: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
const PLACES: readonly [string, string[]][] = [
  ["eu", ["eu-*"]],
  ["europe", ["eu-*"]],
  ["european union", ["eu-*"]],
  ["eea", ["eu-*"]],
  ["usa", ["us-*"]],
  ["united states", ["us-*"]],
  ["govcloud", ["us-gov-*"]],
  ["apac", ["ap-*"]],
  ["asia pacific", ["ap-*"]],
  ["canada", ["ca-*"]],
  ["south america", ["sa-*"]],
  ["middle east", ["me-*"]],
  ["africa", ["af-*"]],
  ["china", ["cn-*"]],
  ["ireland", ["eu-west-1"]],
  ["uk", ["eu-west-2"]],
  ["united kingdom", ["eu-west-2"]],
  ["london", ["eu-west-2"]],
  ["france", ["eu-west-3"]],
  ["paris", ["eu-west-3"]],
  ["germany", ["eu-central-1"]],
  ["frankfurt", ["eu-central-1"]],
  ["switzerland", ["eu-central-2"]],
  ["zurich", ["eu-central-2"]],
  ["sweden", ["eu-north-1"]],
  ["stockholm", ["eu-north-1"]],
  ["japan", ["ap-northeast-1", "ap-northeast-3"]],
  ["tokyo", ["ap-northeast-1"]],
  ["singapore", ["ap-southeast-1"]],
  ["australia", ["ap-southeast-2", "ap-southeast-4"]],
  ["sydney", ["ap-southeast-2"]],
];

const PHRASES: readonly [string, Topic, string[]][] = [
  ...["kubernetes", "k8s", "eks", "kube", "amazon eks", "aws eks", "elastic kubernetes service"].map((p): [string, Topic, string[]] => [p, "kubernetes", []]),
  ...["graviton", "graviton2", "graviton3", "graviton4", "aws graviton", "arm", "arm64", "aarch64"].map((p): [string, Topic, string[]] => [
    p,
    "arch",
    ["arm64"],
  ]),
  ...["x86", "x86_64", "x64", "amd64", "intel", "amd"].map((p): [string, Topic, string[]] => [p, "arch", ["x86_64"]]),
  ...["nat", "nat gateway", "nat-gateway", "nat gw", "natgw", "nat instance"].map((p): [string, Topic, string[]] => [p, "nat", []]),
  ...["vpc endpoint", "vpc interface endpoint", "vpc gateway endpoint", "interface endpoint", "gateway endpoint", "privatelink", "private link"].map(
    (p): [string, Topic, string[]] => [p, "vpc-endpoints", []],
  ),
  ["vpc", "network", ["vpc"]],
  ["subnet", "network", ["subnet"]],
  ["network", "network", ["network"]],
  ...["postgres", "postgresql", "aurora postgres", "aurora postgresql", "aurora-postgresql"].map((p, i): [string, Topic, string[]] => [
    p,
    "db",
    i < 2 ? PG : ["aurora-postgresql"],
  ]),
  ...["rds postgres", "rds postgresql", "rds for postgresql"].map((p): [string, Topic, string[]] => [p, "db", ["postgres"]]),
  ...["mysql", "aurora mysql", "aurora-mysql"].map((p, i): [string, Topic, string[]] => [p, "db", i < 1 ? MY : ["aurora-mysql"]]),
  ...["rds mysql", "rds for mysql"].map((p): [string, Topic, string[]] => [p, "db", ["mysql"]]),
  ...["aurora", "aurora serverless", "aurora serverless v2"].map((p): [string, Topic, string[]] => [p, "db", AURORA]),
  ...["mariadb", "sql server", "oracle", "dynamodb", "mongodb", "documentdb"].map((p): [string, Topic, string[]] => [p, "db-other", []]),
  ...["az", "availability zone", "zone"].map((p): [string, Topic, string[]] => [p, "az", []]),
  ...["serverless", "lambda", "aws lambda", "lambda function", "serverless function", "function url", "faas", "functions as a service"].map(
    (p): [string, Topic, string[]] => [p, "serverless", []],
  ),
  ...["spot", "spot instance", "spot capacity", "fargate spot", "ec2 spot", "spot fleet"].map((p): [string, Topic, string[]] => [p, "spot", []]),
  ...["on-demand", "on demand"].map((p): [string, Topic, string[]] => [p, "on-demand", []]),
  ["burstable", "family", BURSTABLE],
  ["burstable instance", "family", BURSTABLE],
  ...PLACES.map(([p, regions]): [string, Topic, string[]] => [p, "region", regions]),
  ...["waf", "aws waf", "web application firewall"].map((p): [string, Topic, string[]] => [p, "control", ["waf"]]),
  ...["cloudtrail data event", "data event", "s3 data event", "object-level logging", "object level logging"].map((p): [string, Topic, string[]] => [
    p,
    "control",
    ["cloudtrail-data-events"],
  ]),
  ...[
    "access log",
    "access logging",
    "alb access log",
    "elb access log",
    "load balancer access log",
    "load balancer log",
    "s3 access log",
    "server access log",
  ].map((p): [string, Topic, string[]] => [p, "control", ["access-logs"]]),
  ...[
    "customer-managed key",
    "customer managed key",
    "customer-managed kms key",
    "customer managed kms key",
    "customer-managed encryption key",
    "customer managed encryption key",
    "cmk",
    "kms",
    "kms key",
    "aws kms",
    "byok",
    "bring your own key",
  ].map((p): [string, Topic, string[]] => [p, "control", ["customer-managed-kms"]]),
  ...["private only", "internal only", "private access only", "private network only", "intranet only"].map((p): [string, Topic, string[]] => [
    p,
    "private-only",
    [],
  ]),
  ...[
    "public endpoint",
    "public access",
    "public ip",
    "public ip address",
    "internet-facing",
    "internet facing",
    "publicly accessible",
    "publicly exposed",
    "publicly reachable",
    "public-facing",
    "public facing",
    "exposed to the internet",
    "exposed to the public internet",
    "public ingress",
    "public load balancer",
    "public exposure",
    "internet exposure",
  ].map((p): [string, Topic, string[]] => [p, "public", []]),
  // words that look like terms but are not ("sweet spot", "hosted zone"), and phrases whose own
  // negation must not spill onto a later term ("no downtime on EKS", "no single point of failure")
  ...[
    "sweet spot",
    "blind spot",
    "spot check",
    "spot-check",
    "on the spot",
    "hosted zone",
    "time zone",
    "dns zone",
    "downtime",
    "single point of failure",
    "spof",
    "data loss",
    "arm template",
  ].map((p): [string, Topic, string[]] => [p, "ignore", []]),
];

interface Entry {
  words: string[];
  topic: Topic;
  values: string[];
}

/** Phrases by first word, longest first; each phrase also matches with its last word plural. */
const BY_FIRST: ReadonlyMap<string, Entry[]> = (() => {
  const map = new Map<string, Entry[]>();
  for (const [phrase, topic, values] of PHRASES) {
    const words = phrase.split(" ");
    for (const variant of [words, [...words.slice(0, -1), `${words.at(-1)}s`]]) {
      const first = variant[0] ?? "";
      map.set(first, [...(map.get(first) ?? []), { words: variant, topic, values }]);
    }
  }
  for (const entries of map.values()) entries.sort((a, b) => b.words.length - a.words.length);
  return map;
})();

const REGION_NAME = /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov)?-[a-z]+-\d$/;
const REGION_PREFIX = /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-[a-z]+)*-\*$/;
// EC2 families (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html): a series
// letter, a generation digit, option letters; also as `db.`/`cache.` classes and with a size (`m7g.large`).
// Generations stop at 8 so "p95" and "x86" do not read as families.
const FAMILY = /^(?:db\.|cache\.)?((?:t|m|c|r|x|z|i|d|g|p|f|inf|trn|im|is|dl|vt|hpc)[1-8][a-z]*(?:-flex)?|a1|h1)(?:\.[a-z0-9]+)?$/;

/** A mention that one token makes by its shape: resource ids, region names, instance families. */
function shapeMention(tok: Token, at: number): Mention | null {
  const one = (topic: Topic, values: string[]): Mention => ({ topic, start: at, end: at + 1, values });
  if (VPC_ID.test(tok.raw)) return one("vpc-id", [tok.raw]);
  if (SUBNET_ID.test(tok.raw)) return one("subnet-id", [tok.raw]);
  // looks like an id (prefix and a digit) but is not one AWS would issue: kept so it is not silently ignored
  if (/^(?:vpc|subnet)-[a-z0-9]*\d/i.test(tok.raw)) return one("bad-id", [tok.raw]);
  if (REGION_NAME.test(tok.norm) || REGION_PREFIX.test(tok.norm)) return one("region", [tok.norm]);
  // "US" is the region only in capitals: "let us know" is not a residency rule
  if (tok.raw === "US") return one("region", ["us-*"]);
  const family = FAMILY.exec(tok.norm)?.[1];
  if (family) return one("family", [family]);
  return null;
}

/** The longest phrase of the lexicon starting at `at`, if any. */
function phraseMention(tokens: readonly Token[], at: number): Mention | null {
  for (const entry of BY_FIRST.get(tokens[at]?.norm ?? "") ?? []) {
    if (entry.words.every((word, k) => tokens[at + k]?.norm === word)) {
      return { topic: entry.topic, start: at, end: at + entry.words.length, values: entry.values };
    }
  }
  return null;
}

/** True when a word starts a phrase of the lexicon or is a term by shape (used to split "no-NAT"). */
export function isTerm(word: string): boolean {
  const entries = BY_FIRST.get(word) ?? [];
  return entries.some((e) => e.topic !== "ignore") || shapeMention({ raw: word, norm: word }, 0) !== null;
}

// "functions" alone is too common a word ("business functions"); it means Lambda only right after these
const FUNCTIONS_AFTER = new Set(["use", "using", "prefer", "as", "on", "no", "avoid", "without", "via", "with", "not"]);

/** "run it as functions", "no functions": the bare word read as serverless compute. */
function functionsMention(tokens: readonly Token[], at: number): Mention | null {
  const word = tokens[at]?.norm;
  if ((word !== "functions" && word !== "function") || !FUNCTIONS_AFTER.has(tokens[at - 1]?.norm ?? "")) return null;
  return { topic: "serverless", start: at, end: at + 1, values: [] };
}

/** Every mention in a sentence, left to right, none overlapping (the longer reading wins). */
export function tagMentions(tokens: readonly Token[]): Mention[] {
  const found: Mention[] = [];
  let at = 0;
  while (at < tokens.length) {
    const tok = tokens[at];
    const candidates = [tok ? shapeMention(tok, at) : null, phraseMention(tokens, at), functionsMention(tokens, at)].filter((m): m is Mention => m !== null);
    const best = candidates.sort((a, b) => b.end - a.end)[0];
    if (best) {
      found.push(best);
      at = best.end;
    } else at += 1;
  }
  return found;
}
