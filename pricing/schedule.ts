import { HOURS_PER_MONTH } from "./catalogue.js";

/** Days in the price sheet's month (730 hours), so scheduled runs and hourly items share one month. */
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** How often an EventBridge schedule fires, on average, or why that cannot be counted. */
export type ScheduleRuns = { ok: true; runsPerDay: number; runsPerMonth: number } | { ok: false; reason: string };

const MINUTES = { minute: 1, hour: 60, day: 1440 } as const;
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function runs(runsPerDay: number): ScheduleRuns {
  return { ok: true, runsPerDay, runsPerMonth: Number((runsPerDay * DAYS_PER_MONTH).toPrecision(12)) };
}

/** `rate(5 minutes)`: EventBridge wants the singular unit for 1 and the plural otherwise. */
function parseRate(body: string): ScheduleRuns {
  const match = /^(\d+) (minute|hour|day)(s?)$/.exec(body.trim());
  if (!match) return { ok: false, reason: "a rate must be a whole number and minute(s), hour(s) or day(s)" };
  const value = Number(match[1]);
  const unit = match[2] as keyof typeof MINUTES;
  if (value < 1) return { ok: false, reason: "a rate must be at least 1" };
  if ((value === 1) !== (match[3] === ""))
    return { ok: false, reason: `EventBridge rejects "${value} ${unit}${match[3]}": use "1 ${unit}" or "${value === 1 ? 2 : value} ${unit}s"` };
  return runs(1440 / (value * MINUTES[unit]));
}

/**
 * The values one cron field selects: `*`, `n`, `a-b`, `a/n`, `*\/n`, `a-b/n` and lists of
 * those. `names` maps words (`MON`) to numbers. Returns null for anything else (`L`, `W`, `#`).
 */
function expand(field: string, min: number, max: number, names: readonly string[] = [], nameBase = min): Set<number> | null {
  const value = (token: string): number | null => {
    const named = names.indexOf(token.toUpperCase());
    if (named >= 0) return named + nameBase;
    return /^\d+$/.test(token) ? Number(token) : null;
  };
  const out = new Set<number>();
  for (const part of field.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) ? Number(stepText) : 0;
    if (step < 1) return null;
    let from: number | null;
    let to: number | null;
    if (range === "*") [from, to] = [min, max];
    else if (range.includes("-")) {
      const bounds = range.split("-");
      if (bounds.length !== 2) return null;
      [from, to] = bounds.map(value) as [number | null, number | null];
    } else [from, to] = [value(range), stepText === undefined ? value(range) : max];
    if (from === null || to === null || from < min || to > max || from > to) return null;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/**
 * `cron(minutes hours day-of-month month day-of-week year)`, EventBridge's six fields, UTC.
 * Counts schedules that run on every day, or on given weekdays; specific days of the month,
 * months or years (and `L`, `W`, `#`) are rejected rather than averaged by guesswork.
 */
function parseCron(body: string): ScheduleRuns {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) return { ok: false, reason: `a cron expression has 6 fields, found ${fields.length}` };
  const [minute = "", hour = "", dayOfMonth = "", month = "", dayOfWeek = "", year = ""] = fields;
  const minutes = expand(minute, 0, 59);
  const hours = expand(hour, 0, 23);
  if (!minutes) return { ok: false, reason: `minutes field "${minute}" is not understood` };
  if (!hours) return { ok: false, reason: `hours field "${hour}" is not understood` };
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) return { ok: false, reason: "exactly one of day-of-month and day-of-week must be ?" };
  if (dayOfMonth !== "?" && dayOfMonth !== "*")
    return { ok: false, reason: `runs on days of the month ("${dayOfMonth}") are not counted; only every day or given weekdays` };
  if (month !== "*") return { ok: false, reason: `runs in some months only ("${month}") are not counted` };
  if (year !== "*") return { ok: false, reason: `runs in some years only ("${year}") are not counted` };
  let weekdays = 7;
  if (dayOfWeek !== "?" && dayOfWeek !== "*") {
    const days = expand(dayOfWeek, 1, 7, WEEKDAYS, 1);
    if (!days) return { ok: false, reason: `day-of-week field "${dayOfWeek}" is not understood` };
    weekdays = days.size;
  }
  return runs((minutes.size * hours.size * weekdays) / 7);
}

/**
 * Average runs per day and per month of an EventBridge schedule expression: `rate(N minutes|
 * hours|days)` or a `cron(...)` that runs every day or on given weekdays. A month is the price
 * sheet's 730 hours, so a daily run happens 30.42 times a month, an hourly one 730 times.
 */
export function scheduleRuns(expression: string): ScheduleRuns {
  const match = /^(rate|cron)\((.*)\)$/.exec(expression.trim());
  if (!match) return { ok: false, reason: "not a rate(...) or cron(...) expression" };
  return match[1] === "rate" ? parseRate(match[2] ?? "") : parseCron(match[2] ?? "");
}
