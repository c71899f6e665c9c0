import type { Intent } from "./intent.js";
import type { ConstraintReading, ConstraintWish } from "./wishes.js";

/** A wish without its text, keys in a fixed order: two readings of one sentence compare by these. */
function signature(wish: ConstraintWish): string {
  const { text: _text, ...rest } = wish;
  return JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))));
}

const describe = (wishes: readonly ConstraintWish[]) => (wishes.length === 0 ? "nothing it acts on" : wishes.map(signature).join(", "));
const key = (text: string) => text.trim().toLowerCase();

/**
 * Where the model's reading of the constraints differs from the rules' (`read.ts`): one line per
 * sentence they read differently. The plan follows the rules; the lines say so at approval.
 */
export function readingDisagreements(rules: readonly ConstraintReading[], model: readonly ConstraintReading[]): string[] {
  const byText = new Map(model.map((reading) => [key(reading.text), reading.wishes]));
  return rules.flatMap((reading) => {
    const theirs = byText.get(key(reading.text));
    if (!theirs) return [`constraint "${reading.text}": the model gave no reading; the plan follows the rules (${describe(reading.wishes)})`];
    const ours = reading.wishes.map(signature).sort();
    const other = theirs.map(signature).sort();
    if (JSON.stringify(ours) === JSON.stringify(other)) return [];
    return [`constraint "${reading.text}": the rules read ${describe(reading.wishes)}; the model read ${describe(theirs)}; the plan follows the rules`];
  });
}

/** Directives (`model.ts`) that would undo what a constraint asks, and the constraint decision they contradict. */
const CONTRADICTS: Record<string, (intent: Intent) => string | null> = {
  "use eks": (i) => (i.platform === "ecs-fargate" ? "Kubernetes is ruled out" : null),
  "use ecs": (i) => (i.platform === "eks" ? "Kubernetes is required" : null),
  graviton: (i) => (i.arch === "x86_64" ? "x86_64 is required" : null),
  "no graviton": (i) => (i.arch === "arm64" ? "arm64 is required" : null),
  "single az": (i) => (i.azMin !== undefined && i.azMin > 1 ? `at least ${i.azMin} AZs are required` : null),
  "two azs": (i) =>
    i.azMin !== undefined && i.azMin > 2 ? `at least ${i.azMin} AZs are required` : i.azMax !== undefined && i.azMax < 2 ? "one AZ is asked for" : null,
  "three azs": (i) => (i.azMax !== undefined && i.azMax < 3 ? `at most ${i.azMax} AZ(s) are asked for` : null),
  "single nat": (i) => (i.nat === "none" || i.nat === "per-az" ? `NAT ${i.nat} is asked for` : null),
  "nat per az": (i) => (i.nat === "none" || i.nat === "single" ? `NAT ${i.nat} is asked for` : null),
};

/** The model's directives split into those the planner takes and those a constraint overrules. */
export function screenDirectives(directives: readonly string[], intent: Intent): { kept: string[]; dropped: string[] } {
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const directive of directives) {
    const why = CONTRADICTS[directive]?.(intent) ?? null;
    if (why) dropped.push(`model directive "${directive}" not taken: ${why} by the goal's constraints`);
    else kept.push(directive);
  }
  return { kept, dropped };
}
