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
]);

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

/** True when a resource of this type costs nothing by itself. */
export function isFreeType(type: string): boolean {
  return FREE_TYPES.has(type) || FREE_PREFIXES.some((prefix) => type.startsWith(prefix));
}
