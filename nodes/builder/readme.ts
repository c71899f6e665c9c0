import { priceComponent, RUN_MINUTES_TAG } from "../../pricing/index.js";
import { componentHasIngress, hasRuntimeComponents, MESSAGES_PER_POD, scalingKind } from "./components.js";
import type { BuildContext, RenderedFile } from "./context.js";
import { DELIVERY_PATHS } from "./environments.js";
import { chartName } from "./helm.js";
import { hasIngress, isScheduled, runsOnKubernetes } from "./kubernetes.js";
import { cronJobSettings } from "./kubernetes-job.js";
import { GENERATOR } from "./labels.js";
import { HEALTH_PATH, RUN_AS_USER } from "./sizing.js";
import { nodeScaling } from "./terraform/eks.js";
import { CLUSTER_AUTOSCALER, type ClusterAddon, clusterAddons, LOAD_BALANCER_CONTROLLER, needsLoadBalancerController } from "./terraform/eks-addons.js";
import { alertsWithoutAlarm } from "./terraform/observability.js";
import { siteBucket } from "./terraform/static-site.js";

/** Table cells cannot contain pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

/** Terraform variables the operator must supply, with how. */
function requiredInputs(ctx: BuildContext): string[] {
  const inputs: string[] = [];
  if (ctx.hasAlb) inputs.push("`certificate_arn`: an ACM certificate for the load balancer's HTTPS listener.");
  if (needsLoadBalancerController(ctx))
    inputs.push(
      "`certificate_arn` (optional): an ACM certificate for the Ingress hosts; the pipelines put it on every Ingress (`alb.ingress.kubernetes.io/certificate-arn`). Left empty, the controller looks in ACM for a certificate matching the hosts.",
    );
  if (siteBucket(ctx)) inputs.push("`certificate_arn` (in us-east-1) and `domain_names`: the site's certificate and the names CloudFront answers for.");
  if (ctx.plan.observability.alerts.length > 0)
    inputs.push("`alarm_actions` (optional): SNS topic ARNs to notify; without it alarms only show in the console.");
  return inputs;
}

/** `eks/aws-load-balancer-controller` 1.13.4 */
function chartRef(addon: ClusterAddon): string {
  return `\`${addon.repo.name}/${addon.chart}\` ${addon.version}`;
}

/** Monthly on-demand price of one node's instance, or undefined when the price sheet has none. */
function nodeMonthlyPrice(ctx: BuildContext, instanceType: string): number | undefined {
  try {
    return priceComponent({ kind: "ec2", instanceType, count: 1 }, ctx.plan.region).monthlyCost;
  } catch {
    // a region or instance type the sheet lacks: the note says so instead of a figure
    return undefined;
  }
}

/**
 * The EKS cluster add-ons (terraform/eks-addons.ts): what installs them, and what node
 * autoscaling can add to the bill, which the estimate prices at the desired node count only.
 */
function addonNotes(ctx: BuildContext): string[] {
  const addons = clusterAddons(ctx);
  if (addons.length === 0) return [];
  const { plan } = ctx;
  const scaling = nodeScaling(plan);
  const instanceType = plan.compute.node_instance_type ?? "t3.medium";
  const perNode = nodeMonthlyPrice(ctx, instanceType);
  const names = addons.map((addon) => (addon === LOAD_BALANCER_CONTROLLER ? "the AWS Load Balancer Controller" : "cluster-autoscaler"));
  return [
    `- The pipelines install ${names.join(" and ")} (${addons.map(chartRef).join(", ")}) in \`kube-system\` before the workloads; Terraform creates ${addons.length > 1 ? "their roles and Pod Identity associations" : "its role and Pod Identity association"} (${addons.map((a) => `\`${a.roleOutput}\``).join(", ")}). Deploying by hand, run the pipeline's add-on step first.`,
    `- Nodes: the estimate prices ${scaling.desired} × ${instanceType}; ${CLUSTER_AUTOSCALER.chart} may grow the group to ${scaling.max} nodes when pods do not fit, and each node added costs ${perNode === undefined ? `one more ${instanceType}` : `about ${usd(perNode)} per month more (${instanceType}, its disk aside)`}.`,
  ];
}

/** Why an alert's metric has nothing to watch in this build. */
function unwatched(ctx: BuildContext, metric: string): string {
  if (metric.startsWith("AWS/ApplicationELB") && ctx.plan.compute.platform === "eks")
    return "the load balancer is created by the AWS Load Balancer Controller from the Ingress, not by Terraform";
  return "this Terraform does not create what it watches";
}

/**
 * How to apply: Terraform, which on ECS is the whole deployment (tasks, services, schedules);
 * on EKS it builds the cluster, and the workload goes on with the manifests or the chart.
 */
function applySteps(ctx: BuildContext): string[] {
  const { plan } = ctx;
  const lines = ["```sh", "cd terraform", "terraform init", "terraform plan -out plan.tfplan", "terraform apply plan.tfplan", "```"];
  if (!runsOnKubernetes(ctx)) return lines;
  const chart = `helm/${chartName(ctx)}`;
  const workload = isScheduled(ctx) ? "the CronJob" : "the service";
  const env = plan.environment;
  lines.push(
    "",
    "```sh",
    `aws eks update-kubeconfig --region ${plan.region} --name "$(terraform -chdir=terraform output -raw eks_cluster_name)"`,
    "```",
    "",
    `Then deploy ${workload} to an environment (dev, qa, staging or prod; ${env} is the plan's) with either its Kustomize overlay or the Helm chart (not both). The cluster needs the AWS Load Balancer Controller for an Ingress (the pipelines install it; by hand, run their add-on step first) and the External Secrets Operator with a ClusterSecretStore named \`${ctx.conventions.secret_store}\` for secrets (nothing here installs the operator):`,
    "",
    "```sh",
    `kubectl apply -k ${DELIVERY_PATHS.overlay(env)}`,
    `# or\nhelm upgrade --install ${plan.goal_name} ${chart} --namespace ${ctx.namespace} --create-namespace -f ${DELIVERY_PATHS.helmValues(chart, env)}`,
    "```",
  );
  return lines;
}

/**
 * What a design of the user's own components needs beyond the house's workload: its images, the
 * hosts of its Ingresses, KEDA for queue-depth scaling, and which workers fall back to CPU.
 */
function componentNotes(ctx: BuildContext): string[] {
  const { plan } = ctx;
  if (!hasRuntimeComponents(plan) || !runsOnKubernetes(ctx)) return [];
  const lines = [`- Each component runs its own image as written: ${plan.runtime_components.map((c) => `\`${c.container_image}\` (${c.name})`).join(", ")}.`];
  const exposed = plan.runtime_components.filter((c) => componentHasIngress(ctx, c));
  if (exposed.length > 0) {
    lines.push(
      `- Each HTTP component has its own Ingress, all in one ALB per environment (\`alb.ingress.kubernetes.io/group.name\`), routed by host \`<component>.${plan.goal_name}.<env>.example.internal\`: set the real hosts, covered by the certificate (\`certificate_arn\`).`,
    );
  }
  const workers = plan.runtime_components.filter((c) => c.type === "worker");
  const keda = workers.filter((c) => scalingKind(plan, c) === "keda-sqs");
  if (keda.length > 0) {
    lines.push(
      `- ${keda.map((c) => c.name).join(", ")} scale on queue depth with a KEDA ScaledObject (\`aws-sqs-queue\`, ${MESSAGES_PER_POD} messages per pod, an assumption: patch \`queueLength\`): the cluster needs KEDA, and the KEDA operator's role needs \`sqs:GetQueueAttributes\` on the queue.`,
    );
  }
  const cpu = workers.filter((c) => scalingKind(plan, c) === "cpu");
  if (cpu.length > 0) lines.push(`- ${cpu.map((c) => c.name).join(", ")} scale on CPU: the design has no queue whose depth they could scale on.`);
  return lines;
}

/** How runs start: the EventBridge rule (ECS) or the CronJob (EKS), or what to do when nothing starts them. */
function scheduleNotes(ctx: BuildContext): string[] {
  const { plan } = ctx;
  const schedule = plan.compute.schedule;
  if (!ctx.hasService) return [];
  if (schedule && plan.compute.platform === "ecs-fargate") {
    const utc = schedule.expression.startsWith("cron(") ? " (UTC)" : "";
    return [
      `- EventBridge starts ${schedule.tasks_per_run} task(s) per run on \`${schedule.expression}\`${utc}, with no service in between (\`terraform/schedule.tf\`). Each run is expected to last about ${schedule.run_minutes} min: the cost assumes it, and the task definition's \`${RUN_MINUTES_TAG}\` tag records it for the validator. Start an extra run with \`aws ecs run-task\` and the target's network settings.`,
    ];
  }
  if (schedule) {
    const job = cronJobSettings(schedule);
    return [
      `- A CronJob (\`kubernetes/base/cronjob.yaml\`) starts ${job.parallelism} pod(s) per run on \`${job.schedule}\` in ${job.timeZone}, the plan's \`${schedule.expression}\`; a run never starts while the last one is still going (\`concurrencyPolicy: Forbid\`). A run still going after ${schedule.run_minutes} min, the length the cost assumes, is stopped (\`activeDeadlineSeconds\`); failed pods are replaced up to ${job.backoffLimit} times within it. Start an extra run with \`kubectl create job --from=cronjob/${plan.goal_name} ${plan.goal_name}-manual -n ${ctx.namespace}\`.`,
    ];
  }
  if (plan.compute.min_replicas === 0) {
    const start = runsOnKubernetes(ctx) ? "`kubectl scale deployment`" : "`aws ecs run-task` or an EventBridge Scheduler schedule";
    return [
      `- The service starts with no running ${runsOnKubernetes(ctx) ? "pod" : "task"} (\`min_replicas\` 0) and the plan carries no schedule: start runs with ${start}, since CPU-based autoscaling never scales up from zero.`,
    ];
  }
  return [];
}

/** What the image must do: answer the health check as a service, exit 0 as a scheduled run; either way as UID RUN_AS_USER writing only to /tmp. */
function imageContract(ctx: BuildContext): string {
  const { plan } = ctx;
  const duty = isScheduled(ctx)
    ? "Each run must exit 0 once its work is done"
    : `The service must answer \`GET ${HEALTH_PATH}\` on port ${plan.compute.container_port}`;
  return `- ${duty}, run as UID ${RUN_AS_USER} and write only to \`/tmp\`.`;
}

/**
 * README.md: what the plan builds, what it costs, and how to apply it. Rendered from the plan
 * alone (plus the list of files), so it is as deterministic as the code next to it.
 */
export function renderReadme(ctx: BuildContext, paths: string[]): RenderedFile {
  const { plan } = ctx;
  const lines = [
    `# ${plan.goal_name} (${plan.environment})`,
    "",
    `Generated by ${GENERATOR} from plan \`${plan.plan_id}\` version ${plan.version} (trace \`${plan.trace_id}\`). Change the plan and rebuild rather than editing these files.`,
    "",
    plan.summary,
    "",
    `Pattern: ${plan.pattern}. Region: ${plan.region}. Platform: ${plan.compute.platform}.`,
    "",
    "## Components",
    "",
    "| id | kind | role | size | count | monthly (USD) |",
    "| --- | --- | --- | --- | ---: | ---: |",
    ...plan.components.map((c) => `| ${cell(c.id)} | ${c.kind} | ${cell(c.role)} | ${cell(c.size ?? "-")} | ${c.count} | ${usd(c.monthly_usd)} |`),
    "",
    `Every Terraform resource is tagged \`atlas_trace_id\`, \`atlas_plan_id\`, \`atlas_plan_version\` and \`atlas_component\`${runsOnKubernetes(ctx) ? "; every Kubernetes object carries the matching `atlas.dev/*` labels" : ""}.`,
    "",
    "## Cost",
    "",
    `Estimated ${usd(plan.cost.monthly_total_usd)} per month against a budget of ${usd(plan.cost.budget_usd)} (${plan.cost.status}).`,
    ...(plan.cost.usage_based.length > 0 ? ["", `Usage-based and not included: ${plan.cost.usage_based.join(", ")}.`] : []),
    "",
    "## Before you apply",
    "",
    ...requiredInputs(ctx).map((input) => `- ${input}`),
    ...(plan.security.secrets.length > 0
      ? ["- Secrets are created empty: set each value with `aws secretsmanager put-secret-value` (never in Terraform)."]
      : []),
    ...(ctx.hasService && !hasRuntimeComponents(plan)
      ? [`- The image \`${plan.compute.image}\` must exist; push release images to the \`ecr_repository_url\` output (tags are immutable).`, imageContract(ctx)]
      : []),
    ...componentNotes(ctx),
    ...addonNotes(ctx),
    ...(plan.compute.platform === "eks"
      ? ["- The cluster's API endpoint is private: run `kubectl` and `helm` from inside the VPC (VPN, bastion or SSM port forwarding)."]
      : []),
    ...(hasIngress(ctx) && !hasRuntimeComponents(plan)
      ? [
          `- The plan names no domain, so each environment's Ingress host is \`${plan.goal_name}.<env>.example.internal\`: set the real one (Helm \`ingress.host\`, or a patch in the overlay).`,
        ]
      : []),
    ...alertsWithoutAlarm(ctx).map((a) => `- Alert \`${a.name}\` (${a.metric}) has no alarm: ${unwatched(ctx, a.metric)}. Add the alarm once it exists.`),
    ...scheduleNotes(ctx),
    "- Configure a remote state backend (S3 with locking) in `terraform/versions.tf` before the first apply by a team.",
    "",
    "## Apply",
    "",
    ...applySteps(ctx),
    "",
    ...deliverySection(paths),
    "## Risks",
    "",
    ...(plan.risks.length > 0 ? plan.risks.map((r) => `- **${r.severity}** ${r.title}: ${r.mitigation}`) : ["None recorded."]),
    "",
    "## Files",
    "",
    ...[...paths, "README.md"].sort().map((path) => `- \`${path}\``),
    "",
  ];
  return { path: "README.md", content: lines.join("\n") };
}

/** How the delivery files ship the build, when they were rendered (nodes/builder/delivery/). */
function deliverySection(paths: readonly string[]): string[] {
  const pipelines = paths.filter((path) => path.startsWith("pipelines/"));
  if (pipelines.length === 0) return [];
  const gitops = paths.some((path) => path.startsWith("gitops/"));
  return [
    "## Deliver",
    "",
    `- ${pipelines.map((path) => `\`${path}\``).join(" and ")}: a job or stage per environment (dev, qa, staging, prod): Terraform plan, the plan checked by \`atlas validate\`, apply of that plan${gitops ? ", then the environment's overlay or chart" : ""}. Prod waits for the platform's manual approval (GitHub environment reviewers, Azure DevOps environment checks).`,
    ...(gitops
      ? [
          "- `gitops/argocd/` and `gitops/flux/`: Argo CD Applications and Flux Kustomizations per environment; set the repository URL (a placeholder ending in `.invalid`).",
        ]
      : []),
    "",
  ];
}
