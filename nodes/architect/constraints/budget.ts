import type { Sentence } from "./clauses.js";
import { type KindReader, NOTHING, wish } from "./found.js";

/**
 * The budget reader. Its vocabulary ("hard cap", "must not exceed $X", "can go 20 % over") is not
 * the lexicon's, so it reads the words directly: whether the goal's monthly budget is a cap
 * (hard) or a target (soft), and how far over a soft budget may go when the sentence says.
 */

const set = (words: string): ReadonlySet<string> => new Set(words.split(" "));
/** Words that make a sentence about money; without one, "must not exceed 300 ms" is not a budget. */
const MONEY = set("budget budgets spend spending cost costs bill billing $ € usd dollars money");
const LIMIT_NOUNS = set("budget budgets cap limit ceiling");
const HARD_ADJ = set("hard strict firm fixed");
const SOFT_ADJ = set("soft flexible");
const SOFT_NOUNS = set("guideline target estimate ballpark");
const OVER = set("over above overrun overspend overage exceed exceeding beyond stretch stretched flex overshoot");
const EXCEED = set("exceed exceeding surpass overspend overrun");
const PERMIT = set("can may could allowed ok okay fine");
// a percentage "over" something else is not a budget allowance ("CPU can go 20 % over")
const NOT_MONEY = set("cpu memory utilisation utilization latency traffic load error errors availability disk storage rps requests");

function word(s: Sentence, at: number): string {
  return s.tokens[at]?.norm ?? "";
}

const NEGATIONS = set("not no never");
function negatedBefore(s: Sentence, at: number, reach: number): boolean {
  for (let i = at - 1; i >= Math.max(0, at - reach); i -= 1) if (NEGATIONS.has(word(s, i))) return true;
  return false;
}

function near(s: Sentence, at: number, words: ReadonlySet<string>, before: number, after: number): boolean {
  for (let i = Math.max(0, at - before); i <= at + after; i += 1) if (i !== at && words.has(word(s, i))) return true;
  return false;
}

/** "can go 20 % over", "may exceed the budget by 10 %", "can stretch by 20 %": the percentage. */
function overPercent(s: Sentence): { at: number; percent: number } | null {
  const words = s.tokens.map((t) => t.norm);
  if (words.some((w) => NOT_MONEY.has(w))) return null;
  const aboutMoney = words.some((w) => MONEY.has(w)) || words.includes("go");
  for (let i = 1; i < words.length; i += 1) {
    if (words[i] !== "%" && words[i] !== "percent") continue;
    const percent = Number(words[i - 1]);
    if (aboutMoney && Number.isFinite(percent) && near(s, i, OVER, 6, 6)) return { at: i - 1, percent };
  }
  return null;
}

/**
 * Hard or soft cues: an adjective by a limit noun ("hard cap", "budget is a soft limit",
 * "not a hard cap" → soft), a target noun ("the budget is a guideline"), or exceeding ruled out
 * ("must not exceed $500" → hard) or permitted ("may exceed the budget" → soft).
 */
function cues(s: Sentence): { at: number; hard: boolean }[] {
  const found: { at: number; hard: boolean }[] = [];
  const aboutMoney = s.tokens.some((t) => MONEY.has(t.norm));
  s.tokens.forEach((t, at) => {
    const w = t.norm;
    const negated = negatedBefore(s, at, 3);
    if ((HARD_ADJ.has(w) || SOFT_ADJ.has(w)) && near(s, at, LIMIT_NOUNS, 4, 3)) found.push({ at, hard: HARD_ADJ.has(w) !== negated });
    else if (SOFT_NOUNS.has(w) && aboutMoney && near(s, at, LIMIT_NOUNS, 4, 0)) found.push({ at, hard: negated });
    else if (EXCEED.has(w) || (w === "go" && word(s, at + 1) === "over")) {
      if (!aboutMoney) return;
      if (negated) found.push({ at, hard: true });
      else if (near(s, at, PERMIT, 3, 0)) found.push({ at, hard: false });
    } else if ((w === "within" || w === "under" || w === "below") && aboutMoney && near(s, at, MONEY, 0, 2) && word(s, at - 1) === "stay")
      found.push({ at, hard: true });
  });
  return found;
}

/** At most one budget wish per sentence; a sentence that calls the budget both hard and soft is unreadable. */
export const readBudget: KindReader = (s) => {
  const over = overPercent(s);
  const said = cues(s);
  const hard = said.filter((c) => c.hard);
  if (over) {
    if (hard.length > 0) return { found: [], unreadable: true };
    return { found: [{ at: over.at, wish: wish(s, { kind: "budget", hard: false, over_percent: over.percent }) }], unreadable: false };
  }
  const first = said[0];
  if (!first) return NOTHING;
  if (said.some((c) => c.hard !== first.hard)) return { found: [], unreadable: true };
  return { found: [{ at: first.at, wish: wish(s, { kind: "budget", hard: first.hard, over_percent: null }) }], unreadable: false };
};
