import { AtlasError } from "../../lib/errors.js";

/**
 * EventBridge schedule expressions (what the plan carries, UTC) translated into the five-field
 * schedule of a Kubernetes CronJob, only where both start runs at the same times. Anything else
 * is refused, naming the expression, rather than rendered as a CronJob that runs at other times.
 *
 * EventBridge: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 * (`cron(min hour day-of-month month day-of-week year)`, day-of-week 1-7 = SUN-SAT, exactly one of
 * the two day fields `?`; `rate(value unit)`, singular unit for 1). Kubernetes:
 * https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 * (`min hour day-of-month month day-of-week`, day-of-week 0-6 = Sunday-Saturday).
 */

/** One cron field: its bounds and the names it accepts, by the number each stands for (Kubernetes numbering). */
interface Field {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** added to an EventBridge number to get the Kubernetes one (day-of-week: 1-7 becomes 0-6) */
  shift?: number;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS: readonly Field[] = [
  { label: "minutes", min: 0, max: 59 },
  { label: "hours", min: 0, max: 23 },
  { label: "day-of-month", min: 1, max: 31 },
  { label: "month", min: 1, max: 12, names: MONTHS },
  { label: "day-of-week", min: 0, max: 6, names: DAYS, shift: -1 },
];

/** Why an expression has no exact CronJob equivalent; turned into the builder's validation error. */
class Untranslatable extends Error {}

/**
 * The Kubernetes CronJob schedule for an EventBridge expression: `cron(0 2 * * ? *)` →
 * `0 2 * * *`, `rate(30 minutes)` → `*\/30 * * * *`, `rate(2 hours)` → `0 *\/2 * * *`.
 * A rate keeps its interval but starts on the clock (minute 0 of the hour, midnight UTC)
 * instead of counting from when the rule was created.
 *
 * @throws AtlasError `VALIDATION_FAILED` naming the expression when no five-field schedule starts
 *   runs at the same times: a rate that does not divide the hour or the day, `L`, `W` or `#`,
 *   a restricted year, out-of-range values
 */
export function kubernetesSchedule(expression: string): string {
  try {
    const rate = /^rate\((.*)\)$/.exec(expression);
    if (rate) return fromRate(rate[1] ?? "");
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (cron) return fromCron(cron[1] ?? "");
    throw new Untranslatable("not an EventBridge rate(...) or cron(...) expression");
  } catch (error) {
    if (!(error instanceof Untranslatable)) throw error;
    throw new AtlasError("VALIDATION_FAILED", `Schedule "${expression}" has no exact Kubernetes CronJob equivalent: ${error.message}`, {
      issues: [{ path: "compute.schedule.expression", message: `"${expression}": ${error.message}` }],
    });
  }
}

/** `rate(N minutes|hours|days)` as a clock-aligned schedule with the same interval. */
function fromRate(body: string): string {
  const match = /^([1-9]\d*) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!match) throw new Untranslatable("a rate must be `rate(<positive whole number> <minute(s)|hour(s)|day(s)>)`");
  const value = Number(match[1]);
  const unit = match[2] as string;
  if ((value === 1) !== !unit.endsWith("s")) throw new Untranslatable("EventBridge wants a singular unit for 1 and a plural one otherwise");
  const minutes = value * (unit.startsWith("minute") ? 1 : unit.startsWith("hour") ? 60 : 1440);
  if (minutes === 1) return "* * * * *";
  if (minutes < 60 && 60 % minutes === 0) return `*/${minutes} * * * *`;
  if (minutes === 60) return "0 * * * *";
  if (minutes % 60 === 0 && minutes < 1440 && 1440 % minutes === 0) return `0 */${minutes / 60} * * *`;
  if (minutes === 1440) return "0 0 * * *";
  throw new Untranslatable(
    `every ${minutes} minutes does not divide the hour or the day evenly, so cron fields cannot repeat it (use a cron(...) expression or an interval that divides 60 minutes or 24 hours)`,
  );
}

/** `cron(min hour dom month dow year)` field by field; `?` becomes `*`, day-of-week numbers shift down by one. */
function fromCron(body: string): string {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) throw new Untranslatable(`a cron expression has six fields, this one has ${parts.length}`);
  const [minute, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if (year !== "*") throw new Untranslatable(`the year field "${year}" restricts years, which a Kubernetes schedule cannot`);
  if ((dom === "?") === (dow === "?")) throw new Untranslatable("exactly one of day-of-month and day-of-week must be `?`");
  return [minute, hour, dom, month, dow].map((text, index) => (text === "?" ? "*" : translateField(text, FIELDS[index] as Field))).join(" ");
}

/** A comma-separated list of `*`, `*\/n`, `a`, `a-b`, `a/n` and `a-b/n`, each translated and range-checked. */
function translateField(text: string, field: Field): string {
  return text
    .split(",")
    .map((item) => {
      const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
      if (!match) throw new Untranslatable(`${field.label} "${item}" is malformed or uses syntax a Kubernetes schedule does not have (L, W or #)`);
      const range = match[1] as string;
      const step = match[2] === undefined ? undefined : Number(match[2]);
      if (step !== undefined && (step < 1 || step > field.max)) throw new Untranslatable(`${field.label} step "/${match[2]}" is out of range`);
      const suffix = step === undefined ? "" : `/${step}`;
      if (range === "*") return `*${suffix}`;
      const [first, last] = range.split("-").map((value) => fieldValue(value, field)) as [number, number | undefined];
      if (last !== undefined && last < first) throw new Untranslatable(`${field.label} range "${range}" runs backwards`);
      // EventBridge `a/n` means from a to the end of the field; the explicit range says the same in every cron dialect.
      if (last === undefined && step !== undefined) return first === field.min ? `*${suffix}` : `${first}-${field.max}${suffix}`;
      return `${last === undefined ? first : `${first}-${last}`}${suffix}`;
    })
    .join(",");
}

/** A number or name of a field, in Kubernetes numbering. */
function fieldValue(text: string, field: Field): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (field.names === MONTHS ? 1 : 0);
  if (!/^\d+$/.test(text)) throw new Untranslatable(`${field.label} value "${text}" is neither a number nor a name (a Kubernetes schedule has no L, W or #)`);
  const value = Number(text) + (field.shift ?? 0);
  if (value < field.min || value > field.max) throw new Untranslatable(`${field.label} value "${text}" is out of range`);
  return value;
}
