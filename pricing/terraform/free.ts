/**
 * Resource types that cost nothing by themselves: network plumbing, IAM, configuration
 * and attachments whose cost shows up on the resource they configure.
 */
const FREE_TYPES: ReadonlySet<string> = new Set([
  "aws_vpc",
  "aws_subnet",
  "aws_internet_gateway",
  "aws_egress_only_internet_gateway",
  "aws_route",
  "aws_route_table",
  "aws_route_table_association",
  "aws_main_route_table_association",
  "aws_default_route_table",
  "aws_default_network_acl",
  "aws_default_security_group",
  "aws_network_acl",
  "aws_network_acl_rule",
  "aws_security_group",
  "aws_security_group_rule",
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
  "aws_vpc_dhcp_options",
  "aws_vpc_dhcp_options_association",
  "aws_db_subnet_group",
  "aws_db_parameter_group",
  "aws_db_option_group",
  "aws_rds_cluster_parameter_group",
  "aws_elasticache_subnet_group",
  "aws_elasticache_parameter_group",
  // RBAC users and user groups cost nothing; the replication group is priced.
  "aws_elasticache_user",
  "aws_elasticache_user_group",
  "aws_elasticache_user_group_association",
  "aws_ecs_cluster",
  "aws_ecs_cluster_capacity_providers",
  "aws_ecs_capacity_provider",
  "aws_ecs_task_definition",
  "aws_lb_listener",
  "aws_lb_listener_rule",
  "aws_lb_target_group",
  "aws_lb_target_group_attachment",
  "aws_alb_listener",
  "aws_alb_target_group",
  "aws_launch_template",
  "aws_launch_configuration",
  "aws_autoscaling_policy",
  "aws_autoscaling_attachment",
  "aws_appautoscaling_target",
  "aws_appautoscaling_policy",
  "aws_eks_addon",
  "aws_eks_access_entry",
  "aws_eks_access_policy_association",
  "aws_eks_pod_identity_association",
  "aws_kms_alias",
  "aws_secretsmanager_secret_version",
  "aws_secretsmanager_secret_policy",
  "aws_sns_topic_subscription",
  "aws_sns_topic_policy",
  "aws_sqs_queue_policy",
  "aws_cloudwatch_log_stream",
  "aws_key_pair",
  "aws_acm_certificate",
  "aws_acm_certificate_validation",
  "aws_ebs_encryption_by_default",
  "aws_volume_attachment",
  "aws_lambda_permission",
  // Scheduled rules fire AWS events, which EventBridge does not bill; targets are priced on their own.
  "aws_cloudwatch_event_rule",
  "aws_placement_group",
  // The association costs nothing; the web ACL is priced.
  "aws_wafv2_web_acl_association",
  // ECR bills stored images and transfer on the repository; its policies are configuration.
  "aws_ecr_lifecycle_policy",
  "aws_ecr_repository_policy",
  // CloudFront bills requests and transfer on the distribution; these only configure it.
  "aws_cloudfront_origin_access_control",
  "aws_cloudfront_origin_access_identity",
  "aws_cloudfront_cache_policy",
  "aws_cloudfront_origin_request_policy",
  "aws_cloudfront_response_headers_policy",
  "aws_lb_listener_certificate",
]);

/**
 * Types with no fixed monthly charge whose whole cost is usage the catalogue has no price for.
 * They are not "unpriced" (nothing configured is missing from the total) and not free either:
 * the cost report lists them as usage-based with the note below.
 */
const USAGE_ONLY: Readonly<Record<string, string>> = {
  // https://aws.amazon.com/ecr/pricing/: $0.10 per GB-month of stored images, plus data transfer out
  aws_ecr_repository: "no fixed charge; image storage ($0.10/GB-month) and data transfer are usage-based and not estimated",
};

/** Prefixes of free families: IAM, S3 bucket settings, and providers that create nothing billable on AWS. */
const FREE_PREFIXES: readonly string[] = [
  "aws_iam_",
  "aws_s3_bucket_",
  "random_",
  "tls_",
  "null_",
  "time_",
  "local_",
  "terraform_data",
  "kubernetes_",
  "helm_",
];

/** True when a resource of this type has no fixed monthly charge (free, or usage-only: see `usageOnlyNote`). */
export function isFreeType(type: string): boolean {
  return FREE_TYPES.has(type) || Object.hasOwn(USAGE_ONLY, type) || FREE_PREFIXES.some((prefix) => type.startsWith(prefix));
}

/** For a type whose cost is usage the catalogue cannot price, what that usage is; undefined otherwise. */
export function usageOnlyNote(type: string): string | undefined {
  return Object.hasOwn(USAGE_ONLY, type) ? USAGE_ONLY[type] : undefined;
}
