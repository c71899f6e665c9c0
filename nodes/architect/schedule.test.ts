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

  it("keeps every schedule clock-aligned (a Kubernetes CronJob can say it too)", () => {
    expect(scheduleExpression(48)).toBe("cron(0/30 * * * ? *)");
    expect(scheduleExpression(1440)).toBe("cron(* * * * ? *)");
    // 7 a day does not divide the day: every 3 hours, 8 runs
    expect(scheduleExpression(7)).toBe("cron(0 0/3 * * ? *)");
  });

  it("runs as often as asked, by the parser the validator prices with", () => {
    for (const runs of [1, 2, 3, 4, 6, 8, 12, 24, 48, 96, 288, 720, 1440]) expect(perDay(scheduleExpression(runs)), String(runs)).toBe(runs);
    // Other frequencies get the longest clock-aligned interval that still runs as often as asked:
    // never fewer runs, and the next longer aligned interval would be too few.
    const aligned = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440];
    for (const runs of [5, 7, 13, 25, 32, 100, 1000]) {
      const expression = scheduleExpression(runs);
      const got = perDay(expression);
      expect(got, expression).toBeGreaterThanOrEqual(runs);
      const longer = aligned.find((minutes) => 1440 / minutes < got && minutes > 1440 / got);
      if (longer) expect(1440 / longer, expression).toBeLessThan(runs);
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
