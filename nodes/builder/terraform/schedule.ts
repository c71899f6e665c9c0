import type { BuildContext } from "../context.js";
import { block, interpolate, ref } from "../hcl.js";
import { awsName } from "../labels.js";
import { fargateCapacity, taskNetwork } from "./fargate.js";
import { ACCOUNT_ID, assumeRolePolicy, PARTITION, policyDocument, type TfSection } from "./shared.js";

/** The EventBridge rule that starts the plan's runs; alarms watch its FailedInvocations. */
export const SCHEDULE_RULE = "aws_cloudwatch_event_rule.schedule";

/**
 * A run that EventBridge cannot start within this many seconds (Fargate capacity, a throttled
 * API) is dropped and counted in FailedInvocations, which the plan alarms on, rather than
 * retried for the default 24 hours into the next runs.
 */
const MAX_EVENT_AGE_S = 900;

/**
 * schedule.tf, for a plan with `compute.schedule` on ECS Fargate: an EventBridge rule with the
 * plan's schedule expression, a target that runs `tasks_per_run` copies of the task definition
 * on Fargate (on demand or Spot, in the subnets `taskNetwork` picks, in the service security group), and the role
 * EventBridge assumes to do it. The role may only run this task definition in this cluster, tag
 * the tasks it starts, and pass the task's own two roles to ECS.
 */
export function renderSchedule(ctx: BuildContext): TfSection[] {
  const { plan } = ctx;
  const schedule = plan.compute.schedule;
  if (!schedule || plan.compute.platform !== "ecs-fargate") return [];
  const owner = ctx.component(["ecs-service"]);
  const name = awsName(64, ctx.prefix, "scheduler");
  const taskArn = ref("aws_ecs_task_definition.app.arn");
  const clusterArn = ref("aws_ecs_cluster.main.arn");
  const policy = policyDocument([
    { Sid: "RunPlanTask", Effect: "Allow", Action: ["ecs:RunTask"], Resource: taskArn, Condition: { ArnEquals: { "ecs:cluster": clusterArn } } },
    {
      // propagate_tags and managed tags make RunTask tag the new tasks, which needs its own permission.
      Sid: "TagStartedTasks",
      Effect: "Allow",
      Action: ["ecs:TagResource"],
      Resource: interpolate("arn:", ref(PARTITION), `:ecs:${plan.region}:`, ref(ACCOUNT_ID), ":task/", ref("aws_ecs_cluster.main.name"), "/*"),
      Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
    },
    {
      Sid: "PassTaskRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [ref("aws_iam_role.task_execution.arn"), ref("aws_iam_role.workload.arn")],
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
  ]);
  return [
    {
      file: "schedule.tf",
      blocks: [
        ctx.resource("aws_cloudwatch_event_rule", "schedule", owner, {
          name: awsName(64, ctx.prefix, owner),
          description: `Starts ${schedule.tasks_per_run} ${plan.goal_name} task(s) per run on ${schedule.expression}${schedule.expression.startsWith("cron(") ? " (UTC)" : ""}, each expected to take ${schedule.run_minutes} min`,
          schedule_expression: schedule.expression,
        }),
        ctx.resource("aws_cloudwatch_event_target", "run_task", owner, {
          rule: ref(`${SCHEDULE_RULE}.name`),
          target_id: "run-task",
          arn: clusterArn,
          role_arn: ref("aws_iam_role.scheduler.arn"),
          ecs_target: block({
            task_definition_arn: taskArn,
            task_count: schedule.tasks_per_run,
            ...fargateCapacity(ctx),
            platform_version: "1.4.0",
            propagate_tags: "TASK_DEFINITION",
            enable_ecs_managed_tags: true,
            enable_execute_command: false,
            network_configuration: taskNetwork(ctx),
          }),
          retry_policy: block({ maximum_event_age_in_seconds: MAX_EVENT_AGE_S, maximum_retry_attempts: 3 }),
        }),
        ctx.resource("aws_iam_role", "scheduler", owner, { name, assume_role_policy: assumeRolePolicy("events.amazonaws.com") }),
        ctx.resource("aws_iam_policy", "scheduler", owner, { name, description: `Lets EventBridge start ${plan.goal_name} runs and nothing else`, policy }),
        ctx.resource("aws_iam_role_policy_attachment", "scheduler", owner, {
          role: ref("aws_iam_role.scheduler.name"),
          policy_arn: ref("aws_iam_policy.scheduler.arn"),
        }),
      ],
    },
  ];
}
