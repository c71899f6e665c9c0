import type { Redundancy } from "../redundancy.js";
import { type CommentRounds, readCommentRounds } from "../revise-comments.js";
import type { CloudDesign } from "./design.js";
import type { AnyProfile } from "./price.js";

/**
 * A reviewer's "revise" comments on an Azure or Google Cloud plan, read as directives, the way
 * the AWS planner reads them (revise-comments.ts), in each cloud's own words: "no cache", "use
 * AKS", "stay on Cloud Run", "one zone", "zone-redundant database", "add a WAF", "budget 1500".
 * A directive the SLO or the goal rules out is recorded as refused with the reason; a comment with
 * no directive is recorded as such, and named as a risk, never silently dropped.
 */
export interface CloudCommentDirectives extends CommentRounds {
  /** changes to the first design, before the SLO raises and the budget steps */
  set: Partial<Pick<CloudDesign, "cache" | "runtime" | "zones" | "cmk" | "waf">> & { dbHa?: boolean; readReplicas?: number };
  /** budget steps a directive keeps the fitting from taking (e.g. "drop-cache" after "keep the cache") */
  pins: string[];
  /** the SLO raise a directive rules out ("kubernetes" after "stay on Container Apps") */
  noRaises: string[];
}

interface Situation {
  profile: AnyProfile;
  redundancy: Redundancy;
  /** a goal constraint forbids Kubernetes */
  kubernetesForbidden: boolean;
  /** the design has a public entry point (a WAF can sit in front of it) */
  publicEntry: boolean;
  hasDatabase: boolean;
  /** the design runs containers (not a static site) */
  runsContainers: boolean;
}

type Outcome = { done: string } | { refused: string };
type Directed = Pick<CloudCommentDirectives, "set" | "pins" | "noRaises">;
type Rule = { pattern: RegExp; apply(out: Directed, s: Situation): Outcome };

const pin = (out: Directed, id: string) => {
  if (!out.pins.includes(id)) out.pins.push(id);
};

const RULES: readonly Rule[] = [
  {
    pattern: /\b(?:no|without|remove|drop|skip)\s+(?:the\s+|a\s+)?(?:redis\s+)?cache\b/,
    apply: (out) => {
      out.set.cache = false;
      return { done: "no cache" };
    },
  },
  {
    pattern: /\b(?:add|with|keep|use|need)\s+(?:the\s+|a\s+)?(?:redis\s+)?cache\b/,
    apply: (out, s) => {
      out.set.cache = true;
      pin(out, "drop-cache");
      return { done: `keep a cache (${s.profile.cloud === "azure" ? "Azure Cache for Redis" : "Memorystore"}; budget fitting may not drop it)` };
    },
  },
  {
    pattern: /\b(?:use|switch to|move to|run on|on)\s+(?:kubernetes|k8s|aks|gke)\b/,
    apply: (out, s) => {
      if (!s.runsContainers) return { refused: `${s.profile.names.kubernetes} refused: a static site runs no containers` };
      if (s.kubernetesForbidden) return { refused: `${s.profile.names.kubernetes} refused: a goal constraint forbids Kubernetes` };
      out.set.runtime = "kubernetes";
      return { done: `run on ${s.profile.names.kubernetes}` };
    },
  },
  {
    pattern: /\b(?:use|switch to|move to|run on|stay on|keep)\s+(?:container apps|cloud run|serverless)\b|\bno\s+(?:kubernetes|k8s|aks|gke)\b/,
    apply: (out, s) => {
      if (!s.runsContainers) return { refused: `${s.profile.names.serverless} refused: a static site runs no containers` };
      out.set.runtime = "serverless";
      if (!out.noRaises.includes("kubernetes")) out.noRaises.push("kubernetes");
      return { done: `run on ${s.profile.names.serverless}` };
    },
  },
  {
    pattern: /\b(?:single|one|1)[\s-](?:az|zone)\b|\bno zone[\s-]redundancy\b/,
    apply: (out, s) => {
      if (s.redundancy.azMinimum > 1) return { refused: `one zone refused: the SLO needs at least ${s.redundancy.azMinimum} zones` };
      out.set.zones = 1;
      if (!s.redundancy.dbMultiAzRequired) out.set.dbHa = false;
      for (const raise of ["spread", "kubernetes"]) if (!out.noRaises.includes(raise)) out.noRaises.push(raise);
      return { done: "one zone" };
    },
  },
  {
    pattern: /\b(?:three|3)\s+(?:azs?|zones)\b|\b(?:across|all)\s+zones\b|\bzone[\s-]redundant\s+(?:app|compute|containers?|deployment)\b/,
    apply: (out) => {
      out.set.zones = 3;
      pin(out, "one-zone");
      return { done: "spread across three zones" };
    },
  },
  {
    pattern: /\b(?:ha|highly available|zone[\s-]redundant|multi[\s-](?:az|zone))\s+(?:db|database|postgres|mysql|cloud sql|flexible server)\b/,
    apply: (out, s) => {
      if (!s.hasDatabase) return { refused: "database HA refused: the design has no database" };
      out.set.dbHa = true;
      return { done: "database HA standby in a second zone" };
    },
  },
  {
    pattern: /\b(?:no|drop|remove|without)\s+(?:the\s+)?read[\s-]replicas?\b/,
    apply: (out) => {
      out.set.readReplicas = 0;
      return { done: "no read replica" };
    },
  },
  {
    pattern: /\b(?:add|with|keep)\s+(?:a\s+|the\s+)?read[\s-]replicas?\b/,
    apply: (out, s) => {
      if (!s.hasDatabase) return { refused: "read replica refused: the design has no database" };
      out.set.readReplicas = 1;
      pin(out, "drop-read-replicas");
      return { done: "one read replica" };
    },
  },
  {
    pattern: /\b(?:customer[\s-]managed\s+(?:encryption\s+)?keys?|cmk|cmek)\b/,
    apply: (out) => {
      out.set.cmk = true;
      return { done: "customer-managed encryption keys" };
    },
  },
  {
    pattern: /\b(?:add|with|need|use|enable)\s+(?:a\s+|the\s+)?(?:waf|web application firewall|cloud armor)\b/,
    apply: (out, s) => {
      if (!s.publicEntry) return { refused: "WAF refused: the design has no public entry point to put it in front of" };
      out.set.waf = true;
      pin(out, "drop-waf");
      return { done: `a WAF in front of the entry point (${s.profile.names.waf})` };
    },
  },
];

/**
 * Reads the directives in this round's comments and the ones carried from earlier versions
 * (oldest first, so a newer comment wins), against what the design can take.
 */
export function readCloudComments(comments: readonly string[], carried: readonly string[], situation: Situation): CloudCommentDirectives {
  const out: Directed = { set: {}, pins: [], noRaises: [] };
  const read = readCommentRounds(comments, carried, (text) =>
    RULES.flatMap((rule) => {
      const match = text.match(rule.pattern);
      if (!match) return [];
      const result = rule.apply(out, situation);
      return ["done" in result ? result.done : result.refused];
    }),
  );
  return { ...out, ...read };
}
