import { describe, expect, it } from "vitest";
import type { WishBody } from "./found.js";
import { isTerm } from "./lexicon.js";
import { readConstraints, readSentence } from "./read.js";
import { tokenise } from "./tokens.js";
import { constraintReadingSchema } from "./wishes.js";

// Expected readings are written from the sentence's meaning (issue 9 and the brief's rules), not
// copied from the reader's output: `hard` is true for must/only/not allowed/never/policy and for
// flat prohibitions and requirements, false for prefer/ideally/if possible/acceptable/fine.
type Case = [text: string, wishes: WishBody[]];

const k8s = (value: "required" | "forbidden", hard = true): WishBody => ({ kind: "kubernetes", value, hard });
const arch = (value: "arm64" | "x86_64", hard = true): WishBody => ({ kind: "cpu-architecture", value, hard });
const nat = (value: "none" | "single" | "per-az", hard = true): WishBody => ({ kind: "nat", value, hard });
const endpoints = (value: "preferred" | "forbidden", hard = true): WishBody => ({ kind: "vpc-endpoints", value, hard });
const network = (vpc_id: string | null, subnet_ids: string[] = [], hard = true): WishBody => ({ kind: "existing-network", vpc_id, subnet_ids, hard });
const db = (allow: ("postgres" | "mysql" | "aurora-postgresql" | "aurora-mysql")[], hard = true): WishBody => ({ kind: "database-engine", allow, hard });
const azs = (min: number | null, max: number | null, hard = true): WishBody => ({ kind: "availability-zones", min, max, hard });
const serverless = (value: "preferred" | "forbidden", hard = true): WishBody => ({ kind: "serverless", value, hard });
const capacity = (value: "spot-allowed" | "spot-forbidden", hard = true): WishBody => ({ kind: "capacity", value, hard });
const families = (allow: string[], forbid: string[], hard = true): WishBody => ({ kind: "instance-families", allow, forbid, hard });
const region = (allow: string[], forbid: string[], hard = true): WishBody => ({ kind: "region", allow, forbid, hard });
type Control = "waf" | "cloudtrail-data-events" | "access-logs" | "customer-managed-kms" | "private-only";
const control = (which: Control, hard = true): WishBody => ({ kind: "security-control", control: which, hard });
const budget = (hard: boolean, over_percent: number | null = null): WishBody => ({ kind: "budget", hard, over_percent });

/** Every example sentence of issue 9 and every constraint of evals/goals/*.json. */
const ISSUE_AND_EVALS: Case[] = [
  ["Kubernetes is not allowed in this account", [k8s("forbidden")]],
  ["we don't want k8s, keep it simple", [k8s("forbidden")]],
  ["use Graviton (arm64) for all compute", [arch("arm64")]],
  ["no NAT gateway; use VPC endpoints instead", [nat("none"), endpoints("preferred")]],
  ["must use existing VPC vpc-0abc1234", [network("vpc-0abc1234")]],
  ["use MySQL, not Postgres", [db(["mysql", "aurora-mysql"])]],
  ["single AZ is acceptable to save cost", [azs(null, 1, false)]],
  ["must run on Kubernetes (EKS) like the rest of the platform", [k8s("required")]],
  ["use EKS", [k8s("required")]],
  ["k8s required", [k8s("required")]],
  ["no kubernetes, keep operations simple", [k8s("forbidden")]],
  ["must use EKS", [k8s("required")]],
];

const KUBERNETES: Case[] = [
  ["Kubernetes isn't allowed", [k8s("forbidden")]],
  ["don’t want EKS", [k8s("forbidden")]],
  ["we do not use Kubernetes", [k8s("forbidden")]],
  ["no k8s", [k8s("forbidden")]],
  ["avoid EKS", [k8s("forbidden")]],
  ["Kubernetes: forbidden", [k8s("forbidden")]],
  ["k8s is banned", [k8s("forbidden")]],
  ["we can't use Kubernetes", [k8s("forbidden")]],
  ["we won't run k8s", [k8s("forbidden")]],
  ["kube is a no-go", [k8s("forbidden")]],
  ["KUBERNETES IS NOT ALLOWED!!!", [k8s("forbidden")]],
  ["deploy to EKS if possible", [k8s("required", false)]],
  ["EKS preferred", [k8s("required", false)]],
  ["ECS isn't an option, it has to be EKS", [k8s("required")]],
  // the "could" belongs to the reason after the colon, not to the wish
  ["avoid EKS: the on-call rota could never support it", [k8s("forbidden")]],
];

const ARCHITECTURE: Case[] = [
  ["prefer Graviton", [arch("arm64", false)]],
  ["aarch64 only", [arch("arm64")]],
  ["Graviton if possible", [arch("arm64", false)]],
  ["we'd like to use ARM", [arch("arm64", false)]],
  ["use Intel instances", [arch("x86_64")]],
  ["x86_64 required by a vendor agent", [arch("x86_64")]],
  // two architectures exist, so ruling one out asks for the other
  ["no Graviton", [arch("x86_64")]],
  ["no x86", [arch("arm64")]],
  ["no Intel anywhere: Graviton only, to save money", [arch("arm64")]],
];

const NAT: Case[] = [
  ["without NAT", [nat("none")]],
  ["no-NAT design", [nat("none")]],
  ["NAT: none", [nat("none")]],
  ["zero NAT gateways", [nat("none")]],
  ["ideally no NAT", [nat("none", false)]],
  ["no NAT is fine", [nat("none", false)]],
  ["one shared NAT", [nat("single")]],
  ["single NAT gateway is acceptable", [nat("single", false)]],
  ["a NAT gateway per AZ", [nat("per-az")]],
  ["NAT gateways in every AZ", [nat("per-az")]],
  ["one NAT per AZ", [nat("per-az")]],
  // "them" refers back to the NAT gateways of the clause before
  ["NAT gateways are too pricey, drop them", [nat("none")]],
  // not needed: none, but soft
  ["we don't need a NAT gateway", [nat("none", false)]],
];

const ENDPOINTS: Case[] = [
  ["use VPC endpoints instead of a NAT gateway", [endpoints("preferred"), nat("none")]],
  ["prefer interface endpoints", [endpoints("preferred", false)]],
  ["PrivateLink for S3 and ECR if possible", [endpoints("preferred", false)]],
  ["VPC endpoints are not allowed", [endpoints("forbidden")]],
  ["no PrivateLink", [endpoints("forbidden")]],
  // "not the public internet" is about the path of API calls, not about exposing the service
  ["route AWS API calls through PrivateLink, not the public internet", [endpoints("preferred")]],
];

const NETWORK: Case[] = [
  ["deploy into subnets subnet-0aa11bb2, subnet-0cc33dd4", [network(null, ["subnet-0aa11bb2", "subnet-0cc33dd4"])]],
  ["deploy into existing subnets subnet-0aa11bb2 and subnet-0cc33dd4 of vpc-0abc1234", [network("vpc-0abc1234", ["subnet-0aa11bb2", "subnet-0cc33dd4"])]],
  ["must use the existing VPC vpc-0abc1234567890def", [network("vpc-0abc1234567890def")]],
  ["reuse the existing VPC", [network(null)]],
  // negated: not creating a network means using one that exists
  ["do not create a new VPC", [network(null)]],
];

const DATABASE: Case[] = [
  ["Postgres is not an option", [db(["mysql", "aurora-mysql"])]],
  ["anything but Postgres", [db(["mysql", "aurora-mysql"])]],
  ["Aurora PostgreSQL only", [db(["aurora-postgresql"])]],
  ["avoid Aurora", [db(["postgres", "mysql"])]],
  ["no Postgres", [db(["mysql", "aurora-mysql"])]],
  ["never Aurora", [db(["postgres", "mysql"])]],
  ["avoid Aurora and Postgres", [db(["mysql"])]],
  ["RDS PostgreSQL only", [db(["postgres"])]],
  ["not Postgres but MySQL", [db(["mysql", "aurora-mysql"])]],
  ["use MySQL or Postgres", [db(["mysql", "aurora-mysql", "postgres", "aurora-postgresql"])]],
  ["MySQL is fine", [db(["mysql", "aurora-mysql"], false)]],
  // an engine outside the PlanSpec's list that is only ruled out does not matter
  ["use MySQL, not Oracle", [db(["mysql", "aurora-mysql"])]],
  // a hard and a soft part stay apart rather than strengthening or weakening each other
  ["prefer MySQL, never Aurora", [db(["mysql", "aurora-mysql"], false), db(["postgres", "mysql"])]],
  ["RDS MySQL for the orders store", [db(["mysql"])]],
];

const ZONES: Case[] = [
  ["one availability zone", [azs(null, 1)]],
  ["deploy in a single AZ", [azs(null, 1)]],
  ["at least 3 AZs", [azs(3, null)]],
  ["must span at least three availability zones", [azs(3, null)]],
  ["across three zones", [azs(3, 3)]],
  ["multi-AZ required", [azs(2, null)]],
  ["no more than 2 AZs", [azs(null, 2)]],
  ["at least 2 and at most 3 AZs", [azs(2, 3)]],
  ["2-3 AZs", [azs(2, 3)]],
  ["not single AZ", [azs(2, null)]],
  ["single-AZ is not allowed", [azs(2, null)]],
  ["no multi-AZ", [azs(null, 1)]],
  ["multi-AZ is not required", [azs(null, 1, false)]],
  ["there is no need for a second availability zone", [azs(null, 1, false)]],
  ["two AZs minimum", [azs(2, null)]],
  ["2 AZs or more", [azs(2, null)]],
  ["never fewer than two AZs", [azs(2, null)]],
];

const SERVERLESS: Case[] = [
  ["prefer serverless", [serverless("preferred", false)]],
  ["run it as functions", [serverless("preferred")]],
  ["use Lambda functions for the API", [serverless("preferred")]],
  ["no Lambda", [serverless("forbidden")]],
  ["Lambda is not an option", [serverless("forbidden")]],
  ["avoid serverless", [serverless("forbidden")]],
  ["prefer Lambda over EKS", [serverless("preferred", false), k8s("forbidden", false)]],
  ["neither Kubernetes nor Lambda", [k8s("forbidden"), serverless("forbidden")]],
];

const CAPACITY: Case[] = [
  ["Spot is fine for the workers", [capacity("spot-allowed", false)]],
  ["workers can use Spot", [capacity("spot-allowed", false)]],
  ["use Fargate Spot for the pipeline", [capacity("spot-allowed")]],
  ["no spot instances", [capacity("spot-forbidden")]],
  ["spot capacity not allowed", [capacity("spot-forbidden")]],
  ["on-demand only", [capacity("spot-forbidden")]],
  ["Spot for the batch workers", [capacity("spot-allowed")]],
  ["no need for on-demand capacity", [capacity("spot-allowed", false)]],
];

const FAMILIES: Case[] = [
  ["no burstable instances", [families([], ["t2", "t3", "t3a", "t4g"])]],
  ["only m7g or r7g instances", [families(["m7g", "r7g"], [])]],
  ["avoid t2", [families([], ["t2"])]],
  ["t3 instances are not allowed", [families([], ["t3"])]],
  ["prefer m7g.large for the app", [families(["m7g"], [], false)]],
  ["prefer m7g, never t2", [families(["m7g"], [], false), families([], ["t2"])]],
];

const REGIONS: Case[] = [
  ["data must stay in the EU", [region(["eu-*"], [])]],
  ["EU only", [region(["eu-*"], [])]],
  ["data must not leave the EU", [region(["eu-*"], [])]],
  ["deploy to eu-west-1 or eu-central-1", [region(["eu-west-1", "eu-central-1"], [])]],
  ["data residency: Germany", [region(["eu-central-1"], [])]],
  ["not in us-east-1", [region([], ["us-east-1"])]],
  ["no US regions", [region([], ["us-*"])]],
  ["avoid us-east-1 and us-west-2", [region([], ["us-east-1", "us-west-2"])]],
  // "may not" forbids; it is not a hedge
  ["user data may not leave the EU", [region(["eu-*"], [])]],
];

const CONTROLS: Case[] = [
  ["enable WAF", [control("waf")]],
  ["WAF required", [control("waf")]],
  ["web application firewall in front of the ALB", [control("waf")]],
  ["enable CloudTrail data events", [control("cloudtrail-data-events")]],
  ["ALB access logs required", [control("access-logs")]],
  ["customer-managed keys for all data", [control("customer-managed-kms")]],
  ["use KMS CMKs", [control("customer-managed-kms")]],
  ["no public endpoints", [control("private-only")]],
  ["must be internal only", [control("private-only")]],
  ["private-only", [control("private-only")]],
  ["not publicly accessible", [control("private-only")]],
  ["not exposed to the public internet", [control("private-only")]],
  // two negations cancel: the WAF is asked for
  ["never put the API online without a WAF", [control("waf")]],
];

const BUDGET: Case[] = [
  ["hard budget", [budget(true)]],
  ["budget is a hard cap", [budget(true)]],
  ["budget is a hard limit", [budget(true)]],
  ["must not exceed $500", [budget(true)]],
  ["never exceed the budget", [budget(true)]],
  ["monthly spend must stay under $200", [budget(true)]],
  ["soft budget", [budget(false)]],
  ["the budget is a guideline", [budget(false)]],
  ["budget is not a hard cap", [budget(false)]],
  ["can go 20 % over", [budget(false, 20)]],
  ["can go 20% over", [budget(false, 20)]],
  ["up to 15 percent over budget is acceptable", [budget(false, 15)]],
  ["the budget can stretch by 10 % when needed", [budget(false, 10)]],
];

const SEVERAL: Case[] = [
  ["no k8s, no NAT, Graviton only", [k8s("forbidden"), nat("none"), arch("arm64")]],
  ["no NAT gateway use VPC endpoints", [nat("none"), endpoints("preferred")]],
  ["  use   mysql ,not postgres ", [db(["mysql", "aurora-mysql"])]],
  ["mandated by policy: no kubernetes", [k8s("forbidden")]],
];

/** Sentences with no wish, and sentences the reader must not guess at (it returns none). */
const NOT_UNDERSTOOD: Case[] = [
  ["keep it simple", []],
  ["use blue-green deploys", []],
  ["no-downtime deploys", []],
  ["no downtime deploys", []],
  ["zero downtime deploys", []],
  // kubectl is the Kubernetes CLI, but asking for team access to it is not asking to run on EKS
  ["kubectl access for the team", []],
  ["not only Kubernetes", []],
  ["Kubernetes is not required", []],
  ["we don't need k8s", []],
  ["we do not necessarily need EKS", []],
  ["never not use EKS", []],
  ["not without NAT", []],
  ["k8s is not for us", []],
  ["Kubernetes is fine", []],
  ["the team knows Postgres well", []],
  ["let us know before deploying", []],
  ["p95 must not exceed 300 ms", []],
  ["CPU can go 20% over", []],
  ["use a Route 53 hosted zone", []],
  ["we have three time zones", []],
  ["find the sweet spot between cost and speed", []],
  ["international customers", []],
  ["no ARM templates", []],
  ["no downtime during EKS upgrades", []],
  ["use a NAT gateway", []],
  ["not one NAT per AZ", []],
  // a condition, not a prohibition of EKS
  ["we don't want EKS without Graviton", []],
  ["no WAF", []],
  ["no CMK needed", []],
  ["use MariaDB", []],
  ["use existing VPC VPC-0ABC1234", []],
  ["use vpc-123", []],
  ["vpc-0abc1234 or vpc-0def5678", []],
];

const TABLES: Record<string, Case[]> = {
  "issue 9 and eval goals": ISSUE_AND_EVALS,
  kubernetes: KUBERNETES,
  "cpu-architecture": ARCHITECTURE,
  nat: NAT,
  "vpc-endpoints": ENDPOINTS,
  "existing-network": NETWORK,
  "database-engine": DATABASE,
  "availability-zones": ZONES,
  serverless: SERVERLESS,
  capacity: CAPACITY,
  "instance-families": FAMILIES,
  region: REGIONS,
  "security-control": CONTROLS,
  budget: BUDGET,
  "several wishes in one sentence": SEVERAL,
  "not understood and traps": NOT_UNDERSTOOD,
};

for (const [name, cases] of Object.entries(TABLES)) {
  describe(`readSentence: ${name}`, () => {
    it.each(cases)("%j", (text, wishes) => {
      const read = readSentence(text);
      expect(read).toEqual(wishes.map((w) => ({ ...w, text })));
      // what the reader returns is what the model's structured output must match
      expect(constraintReadingSchema.safeParse({ text, wishes: read }).success).toBe(true);
    });
  });
}

describe("readConstraints", () => {
  it("keeps one entry per text in order, then existing components (goal 25's VPC becomes a hard wish)", () => {
    const read = readConstraints(
      ["no NAT gateway; use VPC endpoints instead", "keep it simple"],
      [
        { kind: "vpc", name: "dev-shared-vpc", id: "vpc-0abc1234" },
        { kind: "subnet", name: "app-a", id: "subnet-0aa11bb2" },
        { kind: "vpc", name: "typo-vpc", id: "vpc-12" },
        { kind: "rds", name: "orders-db", id: "db-1" },
      ],
    );
    expect(read.map((r) => r.text)).toEqual([
      "no NAT gateway; use VPC endpoints instead",
      "keep it simple",
      "existing vpc dev-shared-vpc (vpc-0abc1234)",
      "existing subnet app-a (subnet-0aa11bb2)",
      "existing vpc typo-vpc (vpc-12)",
      "existing rds orders-db (db-1)",
    ]);
    expect(read[1]?.wishes).toEqual([]);
    expect(read[2]?.wishes).toEqual([
      { kind: "existing-network", vpc_id: "vpc-0abc1234", subnet_ids: [], hard: true, text: "existing vpc dev-shared-vpc (vpc-0abc1234)" },
    ]);
    expect(read[3]?.wishes).toEqual([
      { kind: "existing-network", vpc_id: null, subnet_ids: ["subnet-0aa11bb2"], hard: true, text: "existing subnet app-a (subnet-0aa11bb2)" },
    ]);
    // a malformed id and a kind with no network meaning are not understood, not dropped
    expect(read[4]?.wishes).toEqual([]);
    expect(read[5]?.wishes).toEqual([]);
  });

  it("returns nothing for no constraints", () => {
    expect(readConstraints([])).toEqual([]);
  });
});

describe("tokenise", () => {
  const words = (text: string) => tokenise(text, isTerm).map((t) => t.norm);

  it("expands contractions so that negation is one word", () => {
    expect(words("isn't can't won't don't cannot")).toEqual(["is", "not", "can", "not", "will", "not", "do", "not", "can", "not"]);
  });

  it("keeps ids, regions and instance types whole, and their spelling", () => {
    const tokens = tokenise("use vpc-0abc1234, eu-west-1 and m7g.large in eu-*", isTerm);
    expect(tokens.map((t) => t.raw)).toEqual(["use", "vpc-0abc1234", ",", "eu-west-1", "and", "m7g.large", "in", "eu-*"]);
  });

  it("splits no- before a known term only", () => {
    expect(words("no-NAT no-downtime")).toEqual(["no", "nat", "no-downtime"]);
  });
});
