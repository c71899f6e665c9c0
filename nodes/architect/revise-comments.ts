import type { DesignOverrides, StepId } from "./design.js";
import type { Redundancy } from "./redundancy.js";

/** What a reviewer's "revise" comments asked for, as design overrides and an optional new cap. */
export interface CommentDirectives {
  overrides: DesignOverrides;
  budgetUsd?: number;
  /** The budget directive came from a carried (earlier) comment, not one of this round's. */
  budgetCarried?: boolean;
  notes: string[];
}

type Rule = {
  pattern: RegExp;
  /** Applies the directive; returns what to record, or null when it cannot be honoured (with why). */
  apply(o: DesignOverrides, match: RegExpMatchArray, r: Redundancy): { done: string } | { refused: string };
};

function pin(o: DesignOverrides, step: StepId): void {
  o.pins = [...new Set([...(o.pins ?? []), step])];
}

const RULES: readonly Rule[] = [
  {
    pattern: /\b(?:no|without|remove|drop|skip)\s+(?:the\s+|a\s+)?(?:redis\s+)?cache\b/,
    apply: (o) => {
      o.cache = false;
      return { done: "no cache" };
    },
  },
  {
    pattern: /\b(?:add|with|keep|use|need)\s+(?:the\s+|a\s+)?(?:redis\s+)?cache\b/,
    apply: (o) => {
      o.cache = true;
      pin(o, "drop-cache");
      return { done: "keep a Redis cache (budget fitting may not drop it)" };
    },
  },
  {
    pattern: /\b(?:use|switch to|move to|run on|on)\s+(?:eks|kubernetes|k8s)\b/,
    apply: (o) => {
      o.platform = "eks";
      return { done: "run on EKS" };
    },
  },
  {
    pattern: /\b(?:use|switch to|move to|run on|on)\s+(?:ecs|fargate)\b|\bno\s+(?:eks|kubernetes|k8s)\b/,
    apply: (o) => {
      o.platform = "ecs-fargate";
      return { done: "run on ECS Fargate" };
    },
  },
  {
    pattern: /\b(?:single|one|1)[\s-]az\b/,
    apply: (o, _m, r) => {
      if (r.azMinimum > 1) return { refused: `single AZ refused: the SLO needs at least ${r.azMinimum} AZs` };
      o.azCount = 1;
      o.dbMultiAz = false;
      o.natPerAz = false;
      return { done: "single AZ" };
    },
  },
  {
    pattern: /\b(two|three|2|3)\s+azs?\b/,
    apply: (o, m, r) => {
      const wanted = m[1] === "three" || m[1] === "3" ? 3 : 2;
      if (wanted < r.azMinimum) return { refused: `${wanted} AZs refused: the SLO needs at least ${r.azMinimum}` };
      o.azCount = wanted;
      pin(o, "fewer-azs");
      return { done: `${wanted} AZs` };
    },
  },
  {
    pattern: /\b(?:single|one|shared)\s+nat\b/,
    apply: (o) => {
      o.natPerAz = false;
      return { done: "one shared NAT gateway" };
    },
  },
  {
    pattern: /\bnat(?:\s+gateways?)?\s+(?:per|in each|in every)\s+az\b/,
    apply: (o) => {
      o.natPerAz = true;
      pin(o, "single-nat");
      return { done: "a NAT gateway per AZ" };
    },
  },
  {
    pattern: /\b(?:x86|amd64|no graviton|no arm)\b/,
    apply: (o) => {
      o.arch = "x86_64";
      pin(o, "graviton");
      return { done: "x86_64 compute (no Graviton switch)" };
    },
  },
  {
    pattern: /(?<!\bno\s)\b(?:graviton|arm64)\b/,
    apply: (o, m) => {
      if (/\b(?:x86|amd64|no graviton|no arm)\b/.test(m.input ?? "")) return { refused: "Graviton refused: the same comment asks for x86" };
      o.arch = "arm64";
      return { done: "Graviton (arm64) nodes where the platform is EKS (Fargate tasks stay x86_64, as the builder renders them)" };
    },
  },
  {
    pattern: /\b(?:no|drop|remove|without)\s+(?:the\s+)?read[\s-]replicas?\b/,
    apply: (o) => {
      o.readReplicas = 0;
      return { done: "no optional read replica" };
    },
  },
  {
    pattern: /\b(?:add|with|keep)\s+(?:a\s+|the\s+)?read[\s-]replicas?\b/,
    apply: (o) => {
      o.readReplicas = 1;
      pin(o, "drop-read-replicas");
      return { done: "one read replica" };
    },
  },
  {
    pattern: /\b(?:customer[\s-]managed\s+(?:kms\s+)?keys?|cmk)\b/,
    apply: (o) => {
      o.customerManagedKey = true;
      return { done: "customer-managed KMS key" };
    },
  },
  {
    pattern: /\bmulti[\s-]az\s+(?:db|database|rds|postgres)\b/,
    apply: (o) => {
      o.dbMultiAz = true;
      pin(o, "single-az-db");
      return { done: "Multi-AZ database" };
    },
  },
];

const BUDGET = /\b(?:budget|cap)(?:\s+(?:is|of|to|at|should be|must be))*\s*[:=]?\s*\$?\s*(\d[\d,]*(?:\.\d+)?)\s*(k\b)?/;

/** What reading a reviewer's comments gave, whatever the cloud: a note per comment and the budget directive. */
export interface CommentRounds {
  notes: string[];
  budgetUsd?: number;
  /** the budget directive came from a carried (earlier) comment, not one of this round's */
  budgetCarried?: boolean;
  /** comments in which no directive was recognised */
  unread: string[];
}

/**
 * Reads the comments carried from earlier versions, then this round's (so a newer comment wins):
 * `directives` applies a comment's own directives and says what each did; the budget directive
 * ("budget 400", "cap $2k") is read here for every cloud. Each comment gets one note
 * (`revise comment "<text>": applied: …`, the form carry.ts reads back); one with no directive
 * is recorded as such and listed in `unread`.
 */
export function readCommentRounds(comments: readonly string[], carried: readonly string[], directives: (text: string) => string[]): CommentRounds {
  const out: CommentRounds = { notes: [], unread: [] };
  const all = [...carried, ...comments.filter((c) => !carried.includes(c))];
  for (const raw of all) {
    const text = raw.toLowerCase();
    const outcomes = directives(text);
    const budget = text.match(BUDGET);
    if (budget?.[1]) {
      const value = Number(budget[1].replaceAll(",", "")) * (budget[2] ? 1000 : 1);
      if (value > 0) {
        out.budgetUsd = value;
        out.budgetCarried = !comments.includes(raw);
        outcomes.push(`budget $${value}/month`);
      }
    }
    if (outcomes.length === 0) out.unread.push(raw);
    const summary = outcomes.length > 0 ? `applied: ${outcomes.join("; ")}` : "recorded; no directive recognised";
    const origin = carried.includes(raw) && !comments.includes(raw) ? " (carried)" : "";
    out.notes.push(`revise comment ${JSON.stringify(raw)}${origin}: ${summary}`);
  }
  return out;
}

/**
 * Reads simple directives from a reviewer's comments ("no cache", "use eks", "single az",
 * "budget 400", …). Comments carried from earlier versions come first, so a newer comment
 * wins. Every comment is recorded; directives the SLO forbids are recorded as refused;
 * comments with no directive are recorded for the model planner or a human.
 */
export function parseComments(comments: readonly string[], redundancy: Redundancy, carried: readonly string[] = []): CommentDirectives {
  const overrides: DesignOverrides = {};
  const read = readCommentRounds(comments, carried, (text) =>
    RULES.flatMap((rule) => {
      const match = text.match(rule.pattern);
      if (!match) return [];
      const result = rule.apply(overrides, match, redundancy);
      return ["done" in result ? result.done : result.refused];
    }),
  );
  return {
    overrides,
    ...(read.budgetUsd === undefined ? {} : { budgetUsd: read.budgetUsd, budgetCarried: read.budgetCarried === true }),
    notes: read.notes,
  };
}
