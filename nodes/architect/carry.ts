import type { PlanSpec } from "../../schemas/plan.js";
import { cents } from "./bill.js";
import { STEP_IDS, type StepId } from "./design.js";

/**
 * What a new version inherits from the one it revises. The node clears comments and findings
 * once a version answers them, so the previous plan's revision notes are the only record of
 * earlier rounds: reviewer directives, hardening from findings, and downsizing the validator
 * forced stay in force instead of flip-flopping between versions.
 */
export interface Carried {
  /** Reviewer comments from earlier rounds, oldest first. */
  comments: string[];
  /** Validator rules whose hardening earlier versions applied. */
  findingRules: string[];
  /** Downsizing steps applied because the validator priced the plan over budget. */
  forcedSteps: StepId[];
  /** Cents held back for cost the validator priced beyond the plan. */
  reserveCents: number;
  /** The goal's own budget when a reviewer's budget directive replaced it, in cents. */
  goalBudgetCents?: number;
}

/** Drops forced downsizing and the reserve when the cap changed: a new budget is a fresh start. */
export function forCap(carried: Carried, previous: PlanSpec | undefined, capCents: number): Carried {
  if (!previous || cents(previous.cost.budget_usd) === capCents) return carried;
  return { ...carried, forcedSteps: [], reserveCents: 0 };
}

const COMMENT = /^revise comment ("(?:[^"\\]|\\.)*")/;
const FINDING = /^finding ([A-Z0-9_]+)/;
const FORCED = /^budget-fit \(([a-z-]+), validator\)/;
const RESERVE = /^budget reserve: \$([\d,]+\.\d{2})/;
const DIRECTED = /^budget: \$([\d,]+\.\d{2}) → /;

function parseQuoted(quoted: string): string | null {
  try {
    const value: unknown = JSON.parse(quoted);
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}

/** Reads what to carry from `previous.revision_notes` (see `forCap` for budget changes). */
export function carryFrom(previous: PlanSpec | undefined): Carried {
  const carried: Carried = { comments: [], findingRules: [], forcedSteps: [], reserveCents: 0 };
  if (!previous) return carried;
  for (const note of previous.revision_notes) {
    const comment = note.match(COMMENT)?.[1];
    const text = comment ? parseQuoted(comment) : null;
    if (text !== null && !carried.comments.includes(text)) carried.comments.push(text);
    const rule = note.match(FINDING)?.[1];
    if (rule && !carried.findingRules.includes(rule)) carried.findingRules.push(rule);
    const step = note.match(FORCED)?.[1];
    if (step && (STEP_IDS as readonly string[]).includes(step) && !carried.forcedSteps.includes(step as StepId)) {
      carried.forcedSteps.push(step as StepId);
    }
    const directed = note.match(DIRECTED)?.[1];
    if (directed) carried.goalBudgetCents = cents(Number(directed.replaceAll(",", "")));
    const reserve = note.match(RESERVE)?.[1];
    if (reserve) carried.reserveCents = Math.max(carried.reserveCents, cents(Number(reserve.replaceAll(",", ""))));
  }
  return carried;
}
