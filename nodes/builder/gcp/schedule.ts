import { AtlasError } from "../../../lib/errors.js";
import { kubernetesSchedule } from "../cron.js";

/**
 * The Cloud Scheduler schedule for the plan's EventBridge expression (UTC): `cron(0 2 * * ? *)`
 * → `0 2 * * *`, `rate(30 minutes)` → `*\/30 * * * *`. Cloud Scheduler reads the same five-field
 * unix-cron as a Kubernetes CronJob (day-of-week 0-6 from Sunday;
 * https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules), so the translation of
 * ../cron.ts applies as is: a rate starts on the clock rather than counting from creation.
 * @throws AtlasError `VALIDATION_FAILED` naming the expression when no five-field schedule starts runs at the same times
 */
export function cloudSchedulerCron(expression: string): string {
  try {
    return kubernetesSchedule(expression);
  } catch (error) {
    if (!(error instanceof AtlasError)) throw error;
    const reason = error.issues?.[0]?.message ?? error.message;
    throw new AtlasError("VALIDATION_FAILED", `Schedule "${expression}" has no exact Cloud Scheduler equivalent: ${reason}`, {
      issues: [{ path: "compute.schedule.expression", message: reason }],
    });
  }
}
