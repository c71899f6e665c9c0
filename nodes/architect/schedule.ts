import { scheduleRuns } from "../../pricing/index.js";
import type { PlanSchedule } from "../../schemas/plan.js";
import type { PipelineSizing } from "./sizing.js";

/** Hour (UTC) a once-a-day run starts: after the business day in Europe and the Americas. */
export const DAILY_RUN_HOUR_UTC = 2;

/**
 * The EventBridge expression for N runs a day, in UTC. Runs that split the day into whole
 * hours start on the hour, so each covers a clock-aligned window: `cron(0 2 * * ? *)` once
 * a day, `cron(0 0/6 * * ? *)` four times, `cron(0 * * * ? *)` hourly. More frequent runs
 * use `rate(N minutes)`, the longest whole-minute interval that still gives N runs (7 a day:
 * every 205 minutes, 7.02 runs; 1,000 a day: every minute, 1,440 runs). Data is never left
 * waiting longer than asked; the plan states and prices the runs the expression gives.
 */
export function scheduleExpression(runsPerDay: number): string {
  const runs = Math.max(1, Math.floor(runsPerDay));
  if (24 % runs === 0) {
    const hours = runs === 1 ? String(DAILY_RUN_HOUR_UTC) : runs === 24 ? "*" : `0/${24 / runs}`;
    return `cron(0 ${hours} * * ? *)`;
  }
  const minutes = Math.floor(1440 / runs);
  return `rate(${minutes} minute${minutes === 1 ? "" : "s"})`;
}

/** The plan's schedule for a sized pipeline: when runs start, how long each lasts, how many tasks. */
export function pipelineSchedule(p: PipelineSizing): PlanSchedule {
  return { expression: scheduleExpression(p.runsPerDay), run_minutes: Math.round(p.runHours * 60), tasks_per_run: p.tasks };
}

/**
 * Average runs per day and per month of a plan's schedule, counted by the same parser the
 * validator prices the Terraform's `schedule_expression` with, so both price the same runs.
 * @throws Error when the expression is one the parser cannot count (a bug in `scheduleExpression`)
 */
export function scheduledRuns(schedule: PlanSchedule): { runsPerDay: number; runsPerMonth: number } {
  const runs = scheduleRuns(schedule.expression);
  if (!runs.ok) throw new Error(`schedule ${schedule.expression}: ${runs.reason}`);
  return { runsPerDay: runs.runsPerDay, runsPerMonth: runs.runsPerMonth };
}
