import { scheduleRuns } from "../../pricing/index.js";
import type { PlanSchedule } from "../../schemas/plan.js";
import type { PipelineSizing } from "./sizing.js";

/** Hour (UTC) a once-a-day run starts: after the business day in Europe and the Americas. */
export const DAILY_RUN_HOUR_UTC = 2;

/** Intervals (minutes) a clock-aligned schedule can keep exactly: divisors of an hour, then of a day. */
const ALIGNED_MINUTES = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440] as const;

/**
 * The EventBridge expression for N runs a day, in UTC, always clock-aligned so that the same
 * schedule is a Kubernetes CronJob too: the longest interval that divides the hour or the day
 * and still gives at least N runs (`cron(0 2 * * ? *)` once a day, `cron(0 0/6 * * ? *)` four
 * times, 7 a day: every 3 hours, 8 runs; 1,000 a day: every minute). Data is never left waiting
 * longer than asked; the plan states and prices the runs the expression gives.
 */
export function scheduleExpression(runsPerDay: number): string {
  const runs = Math.max(1, Math.floor(runsPerDay));
  const interval = [...ALIGNED_MINUTES].reverse().find((minutes) => 1440 / minutes >= runs) ?? 1;
  if (interval === 1440) return `cron(0 ${DAILY_RUN_HOUR_UTC} * * ? *)`;
  if (interval === 60) return "cron(0 * * * ? *)";
  if (interval > 60) return `cron(0 0/${interval / 60} * * ? *)`;
  return interval === 1 ? "cron(* * * * ? *)" : `cron(0/${interval} * * * ? *)`;
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
