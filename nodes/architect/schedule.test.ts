import { describe, expect, it } from "vitest";
import { scheduleRuns } from "../../pricing/index.js";
import { pipelineSchedule, scheduledRuns, scheduleExpression } from "./schedule.js";
import { sizePipeline } from "./sizing.js";

const perDay = (expression: string) => {
  const runs = scheduleRuns(expression);
  if (!runs.ok) throw new Error(`${expression}: ${runs.reason}`);
  return runs.runsPerDay;
};

describe("scheduleExpression", () => {
  it("starts runs that split the day into whole hours on the hour, with cron", () => {
    expect(scheduleExpression(1)).toBe("cron(0 2 * * ? *)");
    expect(scheduleExpression(4)).toBe("cron(0 0/6 * * ? *)");
    expect(scheduleExpression(24)).toBe("cron(0 * * * ? *)");
  });

  it("uses a rate in minutes for other frequencies", () => {
    expect(scheduleExpression(48)).toBe("rate(30 minutes)");
    expect(scheduleExpression(1440)).toBe("rate(1 minute)");
    expect(scheduleExpression(7)).toBe("rate(205 minutes)");
  });

  it("runs as often as asked, by the parser the validator prices with", () => {
    for (const runs of [1, 2, 3, 4, 6, 8, 12, 24, 32, 48, 96, 288, 720, 1440]) expect(perDay(scheduleExpression(runs)), String(runs)).toBe(runs);
    // Other frequencies get the longest whole-minute interval that still runs as often as asked:
    // never fewer runs, and one minute more between runs would be too few.
    for (const runs of [5, 7, 13, 25, 100, 1000]) {
      const expression = scheduleExpression(runs);
      const minutes = Number(/^rate\((\d+) minutes?\)$/.exec(expression)?.[1]);
      expect(perDay(expression), expression).toBeGreaterThanOrEqual(runs);
      expect(perDay(`rate(${minutes + 1} minutes)`), expression).toBeLessThan(runs);
    }
    // No runs a day is treated as one, as the pipeline sizing does.
    expect(scheduleExpression(0)).toBe(scheduleExpression(1));
  });
});

describe("pipelineSchedule", () => {
  it("carries the sizing's run length in whole minutes and its parallel tasks", () => {
    const hourly = sizePipeline(2000, 24, 1);
    const schedule = pipelineSchedule(hourly);
    expect(schedule).toEqual({ expression: "cron(0 * * * ? *)", run_minutes: Math.round(hourly.runHours * 60), tasks_per_run: hourly.tasks });
    // The duty cycle the sizing reports is the share of the month the priced runs cover.
    expect((scheduledRuns(schedule).runsPerMonth * schedule.run_minutes) / 60 / 730).toBeCloseTo(hourly.duty, 4);
  });
});
