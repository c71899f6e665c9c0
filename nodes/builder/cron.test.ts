import { describe, expect, it } from "vitest";
import { kubernetesSchedule } from "./cron.js";

/**
 * EventBridge numbers day-of-week 1-7 from Sunday and needs `?` in one day field; Kubernetes
 * numbers 0-6 from Sunday and has no year field. Each expected schedule below is worked out
 * from those two references (linked in cron.ts), not read back from the function.
 */
describe("kubernetesSchedule", () => {
  it.each([
    // the brief's three: 02:00 every day; every 30 minutes; every 2 hours
    ["cron(0 2 * * ? *)", "0 2 * * *"],
    ["rate(30 minutes)", "*/30 * * * *"],
    ["rate(2 hours)", "0 */2 * * *"],
    // what the architect emits for 1, 4 and 24 runs a day
    ["cron(0 0/6 * * ? *)", "0 */6 * * *"],
    ["cron(0 * * * ? *)", "0 * * * *"],
    // rates of one unit, and rates written in a smaller unit than they divide
    ["rate(1 minute)", "* * * * *"],
    ["rate(1 hour)", "0 * * * *"],
    ["rate(1 day)", "0 0 * * *"],
    ["rate(120 minutes)", "0 */2 * * *"],
    ["rate(24 hours)", "0 0 * * *"],
    ["rate(60 minutes)", "0 * * * *"],
    // weekdays: MON-FRI by name and as EventBridge numbers 2-6; Sunday and Saturday are 1 and 7 there, 0 and 6 here
    ["cron(15 10 ? * MON-FRI *)", "15 10 * * 1-5"],
    ["cron(0 8 ? * 2-6 *)", "0 8 * * 1-5"],
    ["cron(0 8 ? * 1,7 *)", "0 8 * * 0,6"],
    // EventBridge TUE/2 is TUE, THU, SAT (3, 5, 7 there; 2, 4, 6 here)
    ["cron(0 9 ? * 3/2 *)", "0 9 * * 2-6/2"],
    // `a/n` runs from a to the end of the field
    ["cron(0/15 * * * ? *)", "*/15 * * * *"],
    ["cron(5/15 * * * ? *)", "5-59/15 * * * *"],
    // month names become numbers; day-of-month with `?` day-of-week
    ["cron(0 12 1 JAN,JUL ? *)", "0 12 1 1,7 *"],
    ["cron(30 6 1-7 * ? *)", "30 6 1-7 * *"],
  ])("%s → %s", (expression, expected) => {
    expect(kubernetesSchedule(expression)).toBe(expected);
  });

  it.each([
    // 7 runs a day, as the architect writes it: 205 minutes neither divides the hour nor the day
    ["rate(205 minutes)", /does not divide the hour or the day/],
    ["rate(7 minutes)", /does not divide/],
    ["rate(5 hours)", /does not divide/],
    // `*/2` in day-of-month restarts every month, so every other day has no exact schedule
    ["rate(2 days)", /does not divide/],
    ["rate(1 minutes)", /singular unit/],
    ["rate(0 minutes)", /positive whole number/],
    ["cron(0 2 L * ? *)", /L, W or #/],
    ["cron(0 2 15W * ? *)", /L, W or #/],
    ["cron(0 2 ? * 6#3 *)", /L, W or #/],
    ["cron(0 2 * * ? 2030)", /year/],
    ["cron(0 2 * * * *)", /exactly one of day-of-month and day-of-week/],
    ["cron(0 2 ? * ? *)", /exactly one of day-of-month and day-of-week/],
    ["cron(0 24 * * ? *)", /hours value "24" is out of range/],
    ["cron(0 2 ? * 0 *)", /day-of-week value "0" is out of range/],
    ["cron(0 2 ? * FRI-MON *)", /runs backwards/],
    ["cron(0 2 * * ?)", /six fields/],
    ["at(2030-01-01T02:00:00)", /not an EventBridge rate/],
  ])("refuses %s, naming it", (expression, reason) => {
    let thrown: unknown;
    try {
      kubernetesSchedule(expression);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: "VALIDATION_FAILED", issues: [{ path: "compute.schedule.expression" }] });
    const message = (thrown as Error).message;
    expect(message).toContain(`"${expression}"`);
    expect(message).toMatch(reason);
  });
});
