import { RUN_MINUTES_TAG } from "../../../pricing/index.js";
import { appConfig, envKey } from "../config.js";
import type { BuildContext } from "../context.js";
import { block, call, type HclValue, ref, tpl } from "../hcl.js";
import { tfName } from "../labels.js";
import { fargateSize, pinnedImage, planSizing, RUN_AS_USER } from "../sizing.js";
import { redisConnection } from "./database.js";
import { auroraInstanceCount, databaseHost, databaseSecretArn, engineFacts } from "./engines.js";
import { capacityProviders, fargateCapacity, taskNetwork } from "./fargate.js";
import type { TfSection } from "./shared.js";

/** Environment values only Terraform knows (endpoints, ARNs), handed to the ECS task directly. */
function terraformEnvironment(ctx: BuildContext): [string, HclValue][] {
  const out: [string, HclValue][] = [];
  for (const db of ctx.plan.databases) {
    out.push([`DATABASE_${envKey(db.id)}_HOST`, databaseHost(db)]);
    out.push([`DATABASE_${envKey(db.id)}_SECRET_ARN`, databaseSecretArn(db)]);
    // Aurora readers share one endpoint that balances reads across them.
    if (engineFacts(db).aurora && auroraInstanceCount(db) > 1)
      out.push([`DATABASE_${envKey(db.id)}_READER_HOST`, ref(`aws_rds_cluster.${tfName(db.id)}.reader_endpoint`)]);
  }
  for (const cache of ctx.plan.caches) out.push(...redisConnection(cache));
  for (const queue of ctx.plan.queues) out.push([`QUEUE_${envKey(queue.id)}_URL`, ref(`aws_sqs_queue.${tfName(queue.id)}.url`)]);
  return out;
}

/** The container definition: pinned image, read-only root, non-root user, no capabilities, logs to CloudWatch. */
function containerDefinition(ctx: BuildContext): HclValue {
  const { plan } = ctx;
  const environment = [...Object.entries(appConfig(ctx)), ...terraformEnvironment(ctx)]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
  return {
    name: plan.goal_name,
    image: pinnedImage(plan).image,
    essential: true,
    user: `${RUN_AS_USER}:${RUN_AS_USER}`,
    readonlyRootFilesystem: true,
    portMappings: [{ name: "http", containerPort: plan.compute.container_port, protocol: "tcp" }],
    environment,
    mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
    linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": ref("aws_cloudwatch_log_group.app.name"),
        "awslogs-region": plan.region,
        "awslogs-stream-prefix": "app",
      },
    },
  };
}

/** The listener must exist before the service registers targets; Spot must be on the cluster before a service asks for it. */
function serviceDependencies(ctx: BuildContext): HclValue[] | undefined {
  const deps = [
    ...(ctx.hasAlb ? [ref("aws_lb_listener.https")] : []),
    ...(ctx.plan.compute.capacity === "spot" ? [ref("aws_ecs_cluster_capacity_providers.main")] : []),
  ];
  return deps.length > 0 ? deps : undefined;
}

/**
 * ECS Fargate: cluster with Container Insights and the task definition, plus a service with
 * CPU target tracking. A scheduled plan gets no service: EventBridge starts its runs
 * (schedule.tf), and the task definition carries the expected run length for pricing.
 */
export function renderEcs(ctx: BuildContext): TfSection[] {
  if (ctx.plan.compute.platform !== "ecs-fargate") return [];
  const { plan } = ctx;
  const owner = ctx.component(["ecs-service"]);
  const r = ctx.resource;
  const size = fargateSize(plan.compute.cpu, plan.compute.memory_mb);
  const schedule = plan.compute.schedule;
  const base = [
    r("aws_ecs_cluster", "main", owner, {
      name: ctx.prefix,
      setting: block({ name: "containerInsights", value: "enabled" }),
    }),
    r(
      "aws_ecs_task_definition",
      "app",
      owner,
      {
        family: ctx.prefix,
        requires_compatibilities: ["FARGATE"],
        network_mode: "awsvpc",
        cpu: String(size.cpu),
        memory: String(size.memory),
        execution_role_arn: ref("aws_iam_role.task_execution.arn"),
        task_role_arn: ref("aws_iam_role.workload.arn"),
        runtime_platform: block({ operating_system_family: "LINUX", cpu_architecture: plan.compute.architecture === "arm64" ? "ARM64" : "X86_64" }),
        volume: block({ name: "tmp" }),
        container_definitions: call("jsonencode", [containerDefinition(ctx)]),
      },
      // Terraform has no field for how long a run lasts; the validator prices runs by this tag.
      schedule ? { tags: { [RUN_MINUTES_TAG]: String(schedule.run_minutes) } } : {},
    ),
    ...capacityProviders(ctx, owner),
  ];
  if (schedule) return [{ file: "compute.tf", blocks: base }];
  const sizing = planSizing(plan);
  return [
    {
      file: "compute.tf",
      blocks: [
        ...base,
        r("aws_ecs_service", "app", owner, {
          name: plan.goal_name,
          cluster: ref("aws_ecs_cluster.main.id"),
          task_definition: ref("aws_ecs_task_definition.app.arn"),
          ...fargateCapacity(ctx),
          platform_version: "1.4.0",
          desired_count: sizing.replicas,
          deployment_minimum_healthy_percent: 100,
          deployment_maximum_percent: 200,
          enable_execute_command: false,
          propagate_tags: "SERVICE",
          health_check_grace_period_seconds: ctx.hasAlb ? 60 : undefined,
          deployment_circuit_breaker: block({ enable: true, rollback: true }),
          network_configuration: taskNetwork(ctx),
          load_balancer: ctx.hasAlb
            ? block({ target_group_arn: ref("aws_lb_target_group.service.arn"), container_name: plan.goal_name, container_port: plan.compute.container_port })
            : undefined,
          // Autoscaling owns the running count once the service exists.
          lifecycle: block({ ignore_changes: [ref("desired_count")] }),
          depends_on: serviceDependencies(ctx),
        }),
        r("aws_appautoscaling_target", "app", owner, {
          service_namespace: "ecs",
          scalable_dimension: "ecs:service:DesiredCount",
          resource_id: tpl`service/${"aws_ecs_cluster.main.name"}/${"aws_ecs_service.app.name"}`,
          min_capacity: sizing.minReplicas,
          max_capacity: sizing.maxReplicas,
        }),
        r("aws_appautoscaling_policy", "cpu", owner, {
          name: `${ctx.prefix}-cpu-target`,
          policy_type: "TargetTrackingScaling",
          service_namespace: ref("aws_appautoscaling_target.app.service_namespace"),
          scalable_dimension: ref("aws_appautoscaling_target.app.scalable_dimension"),
          resource_id: ref("aws_appautoscaling_target.app.resource_id"),
          target_tracking_scaling_policy_configuration: block({
            target_value: plan.compute.target_cpu_percent,
            scale_in_cooldown: 300,
            scale_out_cooldown: 60,
            predefined_metric_specification: block({ predefined_metric_type: "ECSServiceAverageCPUUtilization" }),
          }),
        }),
      ],
    },
  ];
}
