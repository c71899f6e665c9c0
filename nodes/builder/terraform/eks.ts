import { AtlasError } from "../../../lib/errors.js";
import { componentName, hasRuntimeComponents } from "../components.js";
import { envKey } from "../config.js";
import type { BuildContext } from "../context.js";
import { block, call, type HclBlock, type HclValue, ref } from "../hcl.js";
import { awsName, tfName } from "../labels.js";
import { redisConnection } from "./database.js";
import { autoscalerDiscoveryTags, renderEksAddons } from "./eks-addons.js";
import { auroraInstanceCount, databaseHost, databaseSecretArn, engineFacts } from "./engines.js";
import { assumeRolePolicy, kmsArn, managedPolicy, policyDocument, type TfSection } from "./shared.js";
import { subnetIds, taskTier } from "./topology.js";

/** Kubernetes version of new clusters; bump deliberately, one minor version at a time. */
export const EKS_VERSION = "1.31";

/** Every control-plane log type: the audit log is the one incident response needs. */
const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** AWS-managed policies worker nodes need: join the cluster, pod networking, image pulls, Container Insights. */
const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly", "CloudWatchAgentServerPolicy"];

function nodePolicyName(policy: string): string {
  return `eks_nodes_${policy.replace(/^Amazon/, "").toLowerCase()}`;
}

/** Node group instance families with a `g` after the generation number run on Graviton (ARM). */
function isGraviton(instanceType: string): boolean {
  return /^[a-z]+\d+[a-z]*g[a-z]*\./.test(instanceType);
}

/**
 * The node group's AMI type, which must match the instance type's CPU. A plan asking for arm64
 * nodes on an x86 instance type cannot launch a node, so the builder refuses it rather than
 * quietly running x86.
 * @throws AtlasError `VALIDATION_FAILED` naming the instance type
 */
function amiType(ctx: BuildContext, instanceType: string): string {
  const arm = isGraviton(instanceType);
  if (ctx.plan.compute.architecture === "arm64" && !arm) {
    throw new AtlasError("VALIDATION_FAILED", `compute.architecture is arm64 but node type ${instanceType} is x86_64`, {
      issues: [{ path: "compute.node_instance_type", message: "use a Graviton type (m7g, c7g, r7g, t4g…) for arm64 nodes" }],
    });
  }
  return arm ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/**
 * Block name and service account of each Pod Identity association: the goal-named workload's
 * (`workload`), or one per user component (`workload_<component>`), all bound to the one workload
 * role the plan's IAM scopes describe.
 */
export function podIdentityAssociations(ctx: BuildContext): [string, string][] {
  if (!hasRuntimeComponents(ctx.plan)) return [["workload", ctx.plan.goal_name]];
  return ctx.plan.runtime_components.map((c) => [`workload_${tfName(componentName(c))}`, componentName(c)]);
}

/**
 * What the workload needs that only `terraform apply` knows (database and Redis endpoints and
 * ports, the ARN of each database's managed credentials, the Redis user and replication group it
 * signs IAM auth tokens for, queue URLs), by the variable names the ECS task gets them under.
 * Empty when the plan has none of these.
 */
export function runtimeEndpoints(ctx: BuildContext): [string, HclValue][] {
  const out: [string, HclValue][] = [];
  for (const db of ctx.plan.databases) {
    const key = envKey(db.id);
    out.push([`DATABASE_${key}_HOST`, databaseHost(db)], [`DATABASE_${key}_PORT`, String(engineFacts(db).port)]);
    out.push([`DATABASE_${key}_SECRET_ARN`, databaseSecretArn(db)]);
    if (engineFacts(db).aurora && auroraInstanceCount(db) > 1)
      out.push([`DATABASE_${key}_READER_HOST`, ref(`aws_rds_cluster.${tfName(db.id)}.reader_endpoint`)]);
  }
  for (const cache of ctx.plan.caches) out.push(...redisConnection(cache));
  for (const queue of ctx.plan.queues) out.push([`QUEUE_${envKey(queue.id)}_URL`, ref(`aws_sqs_queue.${tfName(queue.id)}.url`)]);
  return out;
}

/**
 * The Secrets Manager secret the endpoints go to, for one environment's Terraform: `<goal>-<env>/runtime-endpoints`.
 * The ExternalSecret reads it into the pod's environment (nodes/builder/kubernetes-security.ts).
 */
export function runtimeEndpointsSecretName(goal: string, environment: string): string {
  return `${awsName(63, goal, environment)}/runtime-endpoints`;
}

/**
 * The endpoints secret and its value (a JSON object of {@link runtimeEndpoints}), so the cluster gets
 * them without anyone copying `terraform output` by hand. None of them is a credential.
 */
function runtimeEndpointsBlocks(ctx: BuildContext, owner: string): HclBlock[] {
  const endpoints = runtimeEndpoints(ctx);
  if (endpoints.length === 0) return [];
  return [
    ctx.resource(
      "aws_secretsmanager_secret",
      "runtime_endpoints",
      owner,
      {
        name: runtimeEndpointsSecretName(ctx.plan.goal_name, ctx.plan.environment),
        description: `${ctx.plan.goal_name} ${ctx.plan.environment}: endpoints for the workload, written by Terraform`,
        kms_key_id: kmsArn(ctx),
        recovery_window_in_days: ctx.plan.environment === "prod" ? 30 : 7,
      },
      { name: awsName(200, ctx.prefix, "runtime-endpoints") },
    ),
    ctx.resource("aws_secretsmanager_secret_version", "runtime_endpoints", owner, {
      secret_id: ref("aws_secretsmanager_secret.runtime_endpoints.id"),
      secret_string: call("jsonencode", Object.fromEntries(endpoints)),
    }),
  ];
}

/** Node count bounds of the managed node group. */
export interface NodeScaling {
  /** what Terraform creates and the estimate prices */
  desired: number;
  /** cluster-autoscaler never goes below this */
  min: number;
  /** cluster-autoscaler never goes above this */
  max: number;
}

/** Most the node group grows to, as a multiple of its desired size: a bound on the bill, whatever the pods ask for. */
const MAX_NODE_GROWTH = 4;

/**
 * The node group's size from the plan's sizing: `node_count` nodes run the plan's minimum pods, so
 * the group may grow in proportion to the pods' range (max_replicas / min_replicas), at least one
 * node above desired and at most {@link MAX_NODE_GROWTH} times it. It never shrinks below desired.
 */
export function nodeScaling(plan: BuildContext["plan"]): NodeScaling {
  const desired = Math.max(1, plan.compute.node_count);
  const minPods = Math.max(1, plan.compute.min_replicas);
  const maxPods = Math.max(minPods, plan.compute.max_replicas);
  const proportional = Math.ceil((desired * maxPods) / minPods);
  return { desired, min: desired, max: Math.min(desired * MAX_NODE_GROWTH, Math.max(desired + 1, proportional)) };
}

/** The EKS cluster's name; the control-plane log group must be named after it. */
export function clusterName(ctx: BuildContext): string {
  return awsName(100, ctx.prefix);
}

/**
 * EKS: a cluster with a private API endpoint, all control-plane logs and (with a customer
 * key) envelope encryption of Secrets; a managed node group sized from the plan and tagged for
 * cluster-autoscaler; the Pod Identity agent so the service account gets the workload role; the
 * roles of the cluster add-ons (eks-addons.ts).
 */
export function renderEks(ctx: BuildContext): TfSection[] {
  if (ctx.plan.compute.platform !== "eks") return [];
  const { plan } = ctx;
  const cluster = ctx.component(["eks-cluster"]);
  const nodes = ctx.component(["eks-node-group", "eks-cluster"]);
  const r = ctx.resource;
  const instanceType = plan.compute.node_instance_type ?? "t3.medium";
  const scaling = nodeScaling(plan);
  const key = kmsArn(ctx);
  return [
    {
      file: "compute.tf",
      blocks: [
        r("aws_iam_role", "eks_cluster", cluster, {
          name: `${ctx.prefix}-eks-cluster`,
          assume_role_policy: assumeRolePolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
        }),
        r("aws_iam_role_policy_attachment", "eks_cluster", cluster, {
          role: ref("aws_iam_role.eks_cluster.name"),
          policy_arn: managedPolicy("AmazonEKSClusterPolicy"),
        }),
        ...(key
          ? [
              r("aws_iam_role_policy", "eks_cluster_kms", cluster, {
                name: "encrypt-secrets",
                role: ref("aws_iam_role.eks_cluster.id"),
                policy: policyDocument([
                  {
                    Sid: "EnvelopeEncryption",
                    Effect: "Allow",
                    Action: ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants"],
                    Resource: key,
                  },
                ]),
              }),
            ]
          : []),
        r("aws_eks_cluster", "main", cluster, {
          name: clusterName(ctx),
          version: EKS_VERSION,
          role_arn: ref("aws_iam_role.eks_cluster.arn"),
          enabled_cluster_log_types: CONTROL_PLANE_LOGS,
          access_config: block({ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: true }),
          vpc_config: block({
            subnet_ids: subnetIds(ctx, "private"),
            endpoint_private_access: true,
            endpoint_public_access: false,
          }),
          encryption_config: key ? block({ resources: ["secrets"], provider: block({ key_arn: key }) }) : undefined,
          // The log group must exist first, or EKS creates one that never expires.
          depends_on: [ref("aws_iam_role_policy_attachment.eks_cluster"), ref("aws_cloudwatch_log_group.eks_control_plane")],
        }),
        r("aws_iam_role", "eks_nodes", nodes, { name: `${ctx.prefix}-eks-nodes`, assume_role_policy: assumeRolePolicy("ec2.amazonaws.com") }),
        ...NODE_POLICIES.map((policy) =>
          r("aws_iam_role_policy_attachment", nodePolicyName(policy), nodes, {
            role: ref("aws_iam_role.eks_nodes.name"),
            policy_arn: managedPolicy(policy),
          }),
        ),
        r(
          "aws_eks_node_group",
          "main",
          nodes,
          {
            cluster_name: ref("aws_eks_cluster.main.name"),
            node_group_name: awsName(63, ctx.prefix, "nodes"),
            node_role_arn: ref("aws_iam_role.eks_nodes.arn"),
            // Nodes in public subnets (no NAT) get public addresses from the subnet; pods stay behind the cluster security group.
            subnet_ids: subnetIds(ctx, taskTier(ctx)),
            ami_type: amiType(ctx, instanceType),
            capacity_type: "ON_DEMAND",
            instance_types: [instanceType],
            scaling_config: block({ desired_size: scaling.desired, min_size: scaling.min, max_size: scaling.max }),
            update_config: block({ max_unavailable: 1 }),
            depends_on: NODE_POLICIES.map((policy) => ref(`aws_iam_role_policy_attachment.${nodePolicyName(policy)}`)),
            // cluster-autoscaler owns the node count once the cluster runs: an apply must not reset it
            lifecycle: block({ ignore_changes: [ref("scaling_config[0].desired_size")] }),
          },
          { tags: autoscalerDiscoveryTags(clusterName(ctx)) },
        ),
        r("aws_eks_addon", "pod_identity", cluster, { cluster_name: ref("aws_eks_cluster.main.name"), addon_name: "eks-pod-identity-agent" }),
        // Container Insights: the metrics the alarms watch, and pod logs shipped to CloudWatch.
        r("aws_eks_addon", "cloudwatch_observability", cluster, {
          cluster_name: ref("aws_eks_cluster.main.name"),
          addon_name: "amazon-cloudwatch-observability",
          depends_on: [ref("aws_eks_node_group.main"), ref("aws_cloudwatch_log_group.app"), ref("aws_cloudwatch_log_group.container_insights")],
        }),
        ...podIdentityAssociations(ctx).map(([name, serviceAccount]) =>
          r("aws_eks_pod_identity_association", name, cluster, {
            cluster_name: ref("aws_eks_cluster.main.name"),
            namespace: ctx.namespace,
            service_account: serviceAccount,
            role_arn: ref("aws_iam_role.workload.arn"),
          }),
        ),
        ...runtimeEndpointsBlocks(ctx, cluster),
      ],
    },
    ...renderEksAddons(ctx, cluster, clusterName(ctx)),
  ];
}
