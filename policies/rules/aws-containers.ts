import type { Rule } from "../types.js";
import { bool, hit, literals, nested, ofType, str, UNKNOWN } from "./helpers/terraform.js";

export const eksPublicEndpoint: Rule = {
  id: "AWS_EKS_PUBLIC_ENDPOINT",
  title: "EKS API endpoint is open to the whole internet",
  severity: "high",
  aliases: ["CKV_AWS_38", "CKV_AWS_39", "AWS-0040", "AWS-0041"],
  target: "terraform",
  remediation: "Set vpc_config { endpoint_private_access = true, endpoint_public_access = false }, or restrict public_access_cidrs to your office/VPN ranges.",
  check(ctx) {
    return ofType(ctx, "aws_eks_cluster").flatMap((cluster) => {
      const config = nested(cluster.attributes, "vpc_config")[0] ?? {};
      const isPublic = bool(config.endpoint_public_access);
      if (isPublic === false || isPublic === UNKNOWN) return [];
      // The provider default for public_access_cidrs is 0.0.0.0/0.
      const cidrs = config.public_access_cidrs === undefined ? ["0.0.0.0/0"] : literals(config.public_access_cidrs);
      if (!cidrs.includes("0.0.0.0/0")) return [];
      return [hit(cluster, "The Kubernetes API endpoint is public and accepts connections from 0.0.0.0/0.")];
    });
  },
};

export const eksSecretsEncryption: Rule = {
  id: "AWS_EKS_SECRETS_ENCRYPTION",
  title: "EKS cluster does not encrypt secrets with a customer-managed key",
  severity: "low",
  aliases: ["CKV_AWS_58", "AWS-0039"],
  target: "terraform",
  remediation: 'Add encryption_config { resources = ["secrets"], provider { key_arn = aws_kms_key.<name>.arn } }.',
  check(ctx) {
    return ofType(ctx, "aws_eks_cluster")
      .filter((cluster) => !nested(cluster.attributes, "encryption_config").some((c) => literals(c.resources).includes("secrets") || c.resources === undefined))
      .map((cluster) =>
        hit(cluster, "No encryption_config for secrets: they are only protected by the AWS-owned default key, which you cannot audit or revoke."),
      );
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

/** EKS, ECR and ECS rules. */
export const containerRules: Rule[] = [eksPublicEndpoint, eksSecretsEncryption, ecrScanOnPush, ecrImmutableTags, ecsTaskPublicIp];
