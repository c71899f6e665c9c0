import type { PlanSchedule } from "../../schemas/plan.js";
import { kubernetesSchedule } from "./cron.js";

/**
 * How a scheduled plan runs on Kubernetes: a CronJob whose Job starts `tasks_per_run` pods at
 * the plan's schedule and stops them at the run length the plan prices. The manifest and the
 * Helm values both take these numbers from {@link cronJobSettings}, so they cannot drift apart.
 */

/**
 * Seconds after its time a missed run may still start (controller down, no room on the nodes).
 * Later than this it is skipped and counted as missed rather than started late into the next
 * window: the same 15 minutes the ECS path gives EventBridge before it drops a run.
 */
export const STARTING_DEADLINE_S = 900;

/** Pods a run may replace after failures (a drained node, an image pull) before the Job fails; all within the run's deadline. */
export const BACKOFF_LIMIT = 2;

/** A finished Job (and its pods' status) is kept a day for inspection, then deleted; logs outlive it in CloudWatch. */
export const TTL_AFTER_FINISHED_S = 86_400;

/** EventBridge schedules are UTC; the CronJob says so rather than inheriting the controller's zone. */
export const SCHEDULE_TIME_ZONE = "Etc/UTC";

/** The CronJob and Job fields that come from the plan's schedule. */
export interface CronJobSettings {
  schedule: string;
  timeZone: string;
  /** a run never starts while the previous one is still going: two would double the work and the cost */
  concurrencyPolicy: "Forbid";
  startingDeadlineSeconds: number;
  parallelism: number;
  completions: number;
  backoffLimit: number;
  /** the run length the plan prices (`run_minutes`, headroom included): a run still going then is stopped */
  activeDeadlineSeconds: number;
  ttlSecondsAfterFinished: number;
}

/**
 * The CronJob settings for a plan's schedule.
 * @throws AtlasError `VALIDATION_FAILED` when the schedule has no exact CronJob equivalent (see {@link kubernetesSchedule})
 */
export function cronJobSettings(schedule: PlanSchedule): CronJobSettings {
  return {
    schedule: kubernetesSchedule(schedule.expression),
    timeZone: SCHEDULE_TIME_ZONE,
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: STARTING_DEADLINE_S,
    parallelism: schedule.tasks_per_run,
    completions: schedule.tasks_per_run,
    backoffLimit: BACKOFF_LIMIT,
    activeDeadlineSeconds: schedule.run_minutes * 60,
    ttlSecondsAfterFinished: TTL_AFTER_FINISHED_S,
  };
}

/** A `batch/v1` CronJob around a pod template (see `podTemplate` with `job: true`); the Jobs it creates carry the same metadata labels. */
export function cronJob(schedule: PlanSchedule, meta: { labels: Record<string, string> } & Record<string, unknown>, template: Record<string, unknown>) {
  const s = cronJobSettings(schedule);
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: meta,
    spec: {
      schedule: s.schedule,
      timeZone: s.timeZone,
      concurrencyPolicy: s.concurrencyPolicy,
      startingDeadlineSeconds: s.startingDeadlineSeconds,
      jobTemplate: {
        metadata: { labels: { ...meta.labels } },
        spec: {
          parallelism: s.parallelism,
          completions: s.completions,
          backoffLimit: s.backoffLimit,
          activeDeadlineSeconds: s.activeDeadlineSeconds,
          ttlSecondsAfterFinished: s.ttlSecondsAfterFinished,
          template,
        },
      },
    },
  };
}
