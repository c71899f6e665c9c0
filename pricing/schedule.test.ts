import { describe, expect, it } from "vitest";
import { HOURS_PER_MONTH } from "./catalogue.js";
import { DAYS_PER_MONTH, scheduleRuns } from "./schedule.js";

function perDay(expression: string): number {
  const runs = scheduleRuns(expression);
  if (!runs.ok) throw new Error(`${expression}: ${runs.reason}`);
  return runs.runsPerDay;
}

function reason(expression: string): string {
  const runs = scheduleRuns(expression);
  if (runs.ok) throw new Error(`${expression} was counted as ${runs.runsPerDay}/day`);
  return runs.reason;
}

describe("scheduleRuns", () => {
  it("uses the price sheet's 730-hour month", () => {
    expect(DAYS_PER_MONTH * 24).toBe(HOURS_PER_MONTH);
    // Hourly: one run per billed hour.
    const hourly = scheduleRuns("rate(1 hour)");
    expect(hourly).toEqual({ ok: true, runsPerDay: 24, runsPerMonth: 730 });
  });

  it("counts rate expressions in minutes, hours and days", () => {
    expect(perDay("rate(1 minute)")).toBe(1440);
    expect(perDay("rate(30 minutes)")).toBe(48);
    expect(perDay("rate(6 hours)")).toBe(4);
    expect(perDay("rate(1 day)")).toBe(1);
    expect(perDay("rate(7 days)")).toBeCloseTo(1 / 7, 12);
    // An interval that does not divide the day: 1440 / 205 runs, not rounded to 7.
    expect(perDay("rate(205 minutes)")).toBeCloseTo(7.0244, 4);
  });

  it("rejects rates EventBridge rejects: wrong plural, zero, fractions, unknown units", () => {
    expect(reason("rate(1 hours)")).toContain('"1 hour"');
    expect(reason("rate(5 minute)")).toContain('"5 minutes"');
    expect(reason("rate(0 minutes)")).toContain("at least 1");
    expect(reason("rate(1.5 hours)")).toContain("whole number");
    expect(reason("rate(2 weeks)")).toContain("whole number");
  });

  it("counts cron expressions from the minute, hour and day-of-week fields", () => {
    expect(perDay("cron(0 2 * * ? *)")).toBe(1);
    expect(perDay("cron(0 * * * ? *)")).toBe(24);
    expect(perDay("cron(0 0/6 * * ? *)")).toBe(4);
    expect(perDay("cron(0/15 * * * ? *)")).toBe(96);
    expect(perDay("cron(*/10 8-17 * * ? *)")).toBe(60);
    expect(perDay("cron(0,30 9,21 * * ? *)")).toBe(4);
    // Weekdays only: five days in seven, by name or by number (1 = Sunday).
    expect(perDay("cron(0 6 ? * MON-FRI *)")).toBeCloseTo(5 / 7, 12);
    expect(perDay("cron(0 6 ? * 2-6 *)")).toBeCloseTo(5 / 7, 12);
    expect(perDay("cron(0 6 ? * SUN,SAT *)")).toBeCloseTo(2 / 7, 12);
    const daily = scheduleRuns("cron(0 2 * * ? *)");
    expect(daily.ok && daily.runsPerMonth).toBeCloseTo(730 / 24, 9);
  });

  it("flags cron schedules it cannot count instead of guessing", () => {
    expect(reason("cron(0 2 * *)")).toContain("6 fields");
    expect(reason("cron(0 2 1 * ? *)")).toContain("days of the month");
    expect(reason("cron(0 2 ? * 6L *)")).toContain("day-of-week");
    expect(reason("cron(0 2 ? * MON#1 *)")).toContain("day-of-week");
    expect(reason("cron(0 2 * JAN ? *)")).toContain("months");
    expect(reason("cron(0 2 * * ? 2030)")).toContain("years");
    expect(reason("cron(0 2 * * * *)")).toContain("exactly one");
    expect(reason("cron(0 2 ? * ? *)")).toContain("exactly one");
    expect(reason("cron(60 2 * * ? *)")).toContain("minutes");
    expect(reason("cron(0 24 * * ? *)")).toContain("hours");
    expect(reason("cron(0 5-2 * * ? *)")).toContain("hours");
    expect(reason("cron(0 */0 * * ? *)")).toContain("hours");
  });

  it("rejects what is neither rate nor cron", () => {
    expect(reason("at(2030-01-01T00:00:00)")).toContain("rate(...) or cron(...)");
    expect(reason("every hour")).toContain("rate(...) or cron(...)");
  });
});
