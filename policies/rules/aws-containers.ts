import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { boolOr, policyStatements, presence } from "./helpers/service-values.js";
import { bool, cannotVerify, hit, literals, nested, ofType, str, UNKNOWN } from "./helpers/terraform.js";

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

/** The CIDRs allowed to reach a public EKS endpoint; the provider default is 0.0.0.0/0. */
function publicAccessCidrs(config: Record<string, unknown>): { literal: string[]; unknown: boolean } {
  const value = config.public_access_cidrs;
  if (value === undefined || value === null) return { literal: ["0.0.0.0/0"], unknown: false };
  const list = Array.isArray(value) ? value : [value];
  return { literal: literals(list), unknown: list.some((item) => typeof item === "string" && item.includes("${")) };
}

/** The EKS endpoint hits of one cluster: public to the world (0040 + 0041), or public to listed ranges (0040 only). */
function eksEndpointHits(cluster: TerraformResource): RuleHit[] {
  const config = nested(cluster.attributes, "vpc_config")[0] ?? {};
  const isPublic = boolOr(config.endpoint_public_access, true);
  if (isPublic === false) return [];
  const cidrs = publicAccessCidrs(config);
  const open = cidrs.literal.filter((cidr) => OPEN_CIDRS.includes(cidr));
  if (isPublic === UNKNOWN) {
    const aliases = open.length > 0 || cidrs.unknown ? ["CKV_AWS_38", "CKV_AWS_39", "AWS-0040", "AWS-0041"] : ["CKV_AWS_39", "AWS-0040"];
    return [cannotVerify(cluster, "vpc_config.endpoint_public_access", config.endpoint_public_access, aliases)];
  }
  if (open.length > 0) {
    return [
      {
        ...hit(cluster, `The Kubernetes API endpoint is public and accepts connections from ${open.join(", ")}.`),
        aliases: ["CKV_AWS_38", "CKV_AWS_39", "AWS-0040", "AWS-0041"],
      },
    ];
  }
  const shown = cidrs.literal.length > 0 ? cidrs.literal.join(", ") : "ranges set at apply time";
  const hits: RuleHit[] = [
    {
      ...hit(
        cluster,
        `The Kubernetes API endpoint is public (restricted to ${shown}); a private endpoint reached over VPN or a bastion removes it from the internet.`,
        "Set vpc_config { endpoint_private_access = true, endpoint_public_access = false } and reach the API through the VPC.",
      ),
      aliases: ["CKV_AWS_39", "AWS-0040"],
    },
  ];
  if (cidrs.unknown) hits.push(cannotVerify(cluster, "vpc_config.public_access_cidrs", config.public_access_cidrs, ["CKV_AWS_38", "AWS-0041"]));
  return hits;
}

export const eksPublicEndpoint: Rule = {
  id: "AWS_EKS_PUBLIC_ENDPOINT",
  title: "EKS API endpoint is reachable from the internet",
  severity: "high",
  aliases: ["CKV_AWS_38", "CKV_AWS_39", "AWS-0040", "AWS-0041"],
  target: "terraform",
  remediation: "Set vpc_config { endpoint_private_access = true, endpoint_public_access = false }, or restrict public_access_cidrs to your office/VPN ranges.",
  check(ctx) {
    return ofType(ctx, "aws_eks_cluster").flatMap(eksEndpointHits);
  },
};

/** What is wrong with a cluster's secrets encryption, or null when secrets use a KMS key. */
function secretsEncryptionProblem(cluster: TerraformResource): string | null {
  const configs = nested(cluster.attributes, "encryption_config");
  // `resources` is required by the provider; an unresolved list may well contain "secrets".
  const forSecrets = configs.filter(
    (c) => c.resources === undefined || c.resources === null || literals(c.resources).includes("secrets") || str(c.resources) === UNKNOWN,
  );
  if (forSecrets.length === 0)
    return "No encryption_config for secrets: they are only protected by the AWS-owned default key, which you cannot audit or revoke.";
  const keys = forSecrets.flatMap((c) => nested(c, "provider").map((p) => presence(p.key_arn)));
  if (keys.some((key) => key !== "unset")) return null;
  return "encryption_config for secrets names no provider { key_arn }, so no customer-managed key protects them.";
}

export const eksSecretsEncryption: Rule = {
  id: "AWS_EKS_SECRETS_ENCRYPTION",
  title: "EKS cluster does not encrypt secrets with a customer-managed key",
  severity: "low",
  aliases: ["CKV_AWS_58", "AWS-0039"],
  target: "terraform",
  remediation: 'Add encryption_config { resources = ["secrets"], provider { key_arn = aws_kms_key.<name>.arn } }.',
  check(ctx) {
    return ofType(ctx, "aws_eks_cluster").flatMap((cluster) => {
      const problem = secretsEncryptionProblem(cluster);
      return problem ? [hit(cluster, problem)] : [];
    });
  },
};

const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export const eksControlPlaneLogging: Rule = {
  id: "AWS_EKS_CONTROL_PLANE_LOGGING",
  title: "EKS control plane logging is not enabled for every log type",
  severity: "medium",
  aliases: ["AWS-0038"],
  target: "terraform",
  remediation:
    'Set enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"] (with a log group named /aws/eks/<cluster>/cluster that has a retention).',
  check(ctx) {
    return ofType(ctx, "aws_eks_cluster").flatMap((cluster) => {
      const value = cluster.attributes.enabled_cluster_log_types;
      const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
      // an unresolved item may be any of the types: medium severity, so not flagged
      if (list.some((item) => typeof item === "string" && item.includes("${"))) return [];
      const missing = CONTROL_PLANE_LOGS.filter((type) => !literals(list).includes(type));
      if (missing.length === 0) return [];
      return [hit(cluster, `Control plane logs not sent to CloudWatch: ${missing.join(", ")}; API calls and authentication to the cluster leave no trace.`)];
    });
  },
};

export const ecrScanOnPush: Rule = {
  id: "AWS_ECR_SCAN_ON_PUSH",
  title: "ECR repository does not scan images on push",
  severity: "medium",
  aliases: ["CKV_AWS_163", "AWS-0030"],
  target: "terraform",
  remediation: "Add image_scanning_configuration { scan_on_push = true }, or configure registry-wide scanning with aws_ecr_registry_scanning_configuration.",
  check(ctx) {
    // Registry-level scanning configuration applies to every repository.
    if (ofType(ctx, "aws_ecr_registry_scanning_configuration").length > 0) return [];
    return ofType(ctx, "aws_ecr_repository")
      .filter((repo) => {
        const values = nested(repo.attributes, "image_scanning_configuration").map((c) => bool(c.scan_on_push));
        return !values.some((v) => v === true || v === UNKNOWN);
      })
      .map((repo) => hit(repo, "Images are not scanned on push, so known CVEs reach the cluster unnoticed."));
  },
};

export const ecrImmutableTags: Rule = {
  id: "AWS_ECR_IMMUTABLE_TAGS",
  title: "ECR repository allows tags to be overwritten",
  severity: "medium",
  aliases: ["CKV_AWS_51", "AWS-0031"],
  target: "terraform",
  remediation: 'Set image_tag_mutability = "IMMUTABLE" so a tag always names the image that was tested.',
  check(ctx) {
    return ofType(ctx, "aws_ecr_repository")
      .filter((repo) => {
        const value = str(repo.attributes.image_tag_mutability);
        return value !== UNKNOWN && !(value ?? "MUTABLE").startsWith("IMMUTABLE");
      })
      .map((repo) => hit(repo, "Tags are mutable (the default): a push can silently replace what a deployed tag points at."));
  },
};

/** True for a statement that lets anyone (principal `*`, no condition) run ECR actions. */
function isPublicEcrStatement(statement: { effect: string; actions: string[]; principals: string[]; hasCondition: boolean }): boolean {
  return (
    statement.effect === "Allow" &&
    statement.principals.includes("*") &&
    !statement.hasCondition &&
    statement.actions.some((action) => action === "*" || action.toLowerCase().startsWith("ecr:"))
  );
}

export const ecrPublicPolicy: Rule = {
  id: "AWS_ECR_PUBLIC_POLICY",
  title: "ECR repository policy grants access to everyone",
  severity: "high",
  aliases: ["AWS-0032"],
  target: "terraform",
  remediation: 'Name the accounts, roles or organisation (aws:PrincipalOrgID condition) allowed to pull instead of Principal "*".',
  async check(ctx: RuleContext) {
    const hits: RuleHit[] = [];
    for (const policy of ofType(ctx, "aws_ecr_repository_policy")) {
      const statements = await policyStatements(ctx, policy, policy.attributes.policy);
      if (statements === undefined) hits.push(cannotVerify(policy, "policy", policy.attributes.policy));
      else if (statements.some(isPublicEcrStatement))
        hits.push(hit(policy, 'The repository policy allows ECR actions to Principal "*" with no condition: anyone with an AWS account can use the images.'));
    }
    return hits;
  },
};

/** Where each resource that starts ECS tasks keeps its awsvpc network settings. */
const TASK_NETWORKS: Record<string, string[]> = {
  aws_ecs_service: ["network_configuration"],
  aws_cloudwatch_event_target: ["ecs_target", "network_configuration"],
  aws_scheduler_schedule: ["target", "ecs_parameters", "network_configuration"],
};

export const ecsTaskPublicIp: Rule = {
  id: "AWS_ECS_TASK_PUBLIC_IP",
  title: "ECS tasks get a public IP address",
  severity: "medium",
  aliases: ["CKV_AWS_333"],
  target: "terraform",
  remediation:
    "Set assign_public_ip = false and run the tasks in private subnets; they reach AWS APIs and registries through a NAT gateway or VPC endpoints, and clients through a load balancer.",
  check(ctx) {
    return ofType(ctx, ...Object.keys(TASK_NETWORKS))
      .filter((resource) => nested(resource.attributes, ...(TASK_NETWORKS[resource.type] ?? [])).some((n) => bool(n.assign_public_ip) === true))
      .map((resource) =>
        hit(resource, "assign_public_ip = true puts every task it starts on the internet, reachable past the load balancer wherever a security group allows."),
      );
  },
};

export const ecsContainerInsights: Rule = {
  id: "AWS_ECS_CONTAINER_INSIGHTS",
  title: "ECS cluster does not have Container Insights enabled",
  severity: "low",
  aliases: ["AWS-0034"],
  target: "terraform",
  remediation: 'Add setting { name = "containerInsights", value = "enabled" } to the cluster.',
  check(ctx) {
    // An account default of containerInsights = enabled applies to clusters that do not say otherwise.
    const accountDefault = ofType(ctx, "aws_ecs_account_setting_default").some(
      (s) => str(s.attributes.name) === "containerInsights" && ["enabled", "enhanced"].includes(String(s.attributes.value)),
    );
    return ofType(ctx, "aws_ecs_cluster").flatMap((cluster) => {
      const setting = nested(cluster.attributes, "setting").find((s) => str(s.name) === "containerInsights");
      const value = setting ? str(setting.value) : undefined;
      if (value === "enabled" || value === "enhanced" || value === UNKNOWN) return [];
      if (value === undefined && accountDefault) return [];
      return [hit(cluster, `Container Insights is ${value ?? "not configured"}: no per-task CPU, memory and network metrics to investigate an incident with.`)];
    });
  },
};

export const ecsEfsTransitEncryption: Rule = {
  id: "AWS_ECS_EFS_TRANSIT_ENCRYPTION",
  title: "ECS task definition mounts EFS without in-transit encryption",
  severity: "high",
  aliases: ["AWS-0035"],
  target: "terraform",
  remediation: 'Set transit_encryption = "ENABLED" in every efs_volume_configuration of the task definition.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const task of ofType(ctx, "aws_ecs_task_definition")) {
      for (const volume of nested(task.attributes, "volume")) {
        for (const efs of nested(volume, "efs_volume_configuration")) {
          const value = str(efs.transit_encryption);
          if (value === UNKNOWN) hits.push(cannotVerify(task, "volume.efs_volume_configuration.transit_encryption", efs.transit_encryption));
          else if (value !== "ENABLED") {
            hits.push(
              hit(
                task,
                `EFS volume "${String(volume.name ?? "")}" has transit_encryption ${value ?? "unset (DISABLED)"}: file data crosses the network in clear.`,
              ),
            );
          }
        }
      }
    }
    return hits;
  },
};

/** EKS, ECR and ECS rules. */
export const containerRules: Rule[] = [
  eksPublicEndpoint,
  eksSecretsEncryption,
  eksControlPlaneLogging,
  ecrScanOnPush,
  ecrImmutableTags,
  ecrPublicPolicy,
  ecsTaskPublicIp,
  ecsContainerInsights,
  ecsEfsTransitEncryption,
];
