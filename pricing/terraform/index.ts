import type { TerraformResource } from "../../iac/types.js";
import type { ComponentSpec } from "../component-spec.js";
import type { ResourcePlan as GenericResourcePlan } from "../pricer.js";
import { isExpression, optionalNumber, Unpriceable } from "./attributes.js";
import { mapAutoscalingGroup, mapEksNodeGroup, mapInstance } from "./compute.js";
import { mapCacheCluster, mapDbInstance, mapEbsVolume, mapRdsCluster, mapRdsClusterInstance, mapReplicationGroup } from "./data.js";
import { mapEcsService, mapEventTarget } from "./ecs.js";
import { isFreeType } from "./free.js";
import { mapLoadBalancer, mapMetricAlarm, mapVpcEndpoint, mapWebAcl } from "./network.js";
import type { MapContext } from "./references.js";
import { mapS3Bucket } from "./usage-tags.js";

export type { MapContext } from "./references.js";

/** What the estimator should do with one resource. */
export type ResourcePlan = GenericResourcePlan<ComponentSpec>;

type Mapper = (resource: TerraformResource, ctx: MapContext) => ComponentSpec[] | "free";

/**
 * A VPC flow log into CloudWatch Logs is billed as ingestion on its destination log group, which
 * is priced there (usage-based): nothing more on the flow log itself. Delivery to S3 or Firehose
 * is billed per GB delivered at a rate the catalogue does not hold, so it stays unpriced.
 */
function mapFlowLog(resource: TerraformResource): "free" {
  const destination = resource.attributes.log_destination_type;
  if (destination === undefined || destination === null || destination === "cloud-watch-logs") return "free";
  throw new Unpriceable(`flow logs delivered to ${JSON.stringify(destination)} are billed per GB delivered; that rate is not in the catalogue`);
}

const MAPPERS: Readonly<Record<string, Mapper>> = {
  aws_instance: mapInstance,
  aws_autoscaling_group: mapAutoscalingGroup,
  aws_eks_node_group: mapEksNodeGroup,
  aws_ecs_service: mapEcsService,
  aws_cloudwatch_event_target: mapEventTarget,
  aws_s3_bucket: mapS3Bucket,
  aws_db_instance: mapDbInstance,
  aws_rds_cluster: mapRdsCluster,
  aws_rds_cluster_instance: mapRdsClusterInstance,
  aws_elasticache_replication_group: mapReplicationGroup,
  aws_elasticache_cluster: mapCacheCluster,
  aws_ebs_volume: mapEbsVolume,
  aws_lb: mapLoadBalancer,
  aws_alb: mapLoadBalancer,
  aws_vpc_endpoint: mapVpcEndpoint,
  aws_wafv2_web_acl: mapWebAcl,
  aws_cloudwatch_metric_alarm: mapMetricAlarm,
  aws_flow_log: mapFlowLog,
};

/** Types whose whole cost is one spec that no attribute changes. */
const FIXED_SPECS: Readonly<Record<string, ComponentSpec>> = {
  aws_eks_cluster: { kind: "eks-control-plane" },
  aws_nat_gateway: { kind: "nat" },
  aws_eip: { kind: "public-ipv4" },
  aws_secretsmanager_secret: { kind: "secrets-manager" },
  aws_kms_key: { kind: "kms-key" },
  aws_cloudwatch_log_group: { kind: "cloudwatch-logs" },
  aws_sqs_queue: { kind: "sqs" },
  aws_sns_topic: { kind: "sns" },
  aws_lambda_function: { kind: "lambda" },
  aws_cloudfront_distribution: { kind: "cloudfront" },
  aws_cloudwatch_composite_alarm: { kind: "cloudwatch-composite-alarm" },
};

const LITERAL_SET = /^\$\{(?:toset\()?\[((?:\s*"[^"$]*"\s*,?)*)\]\)?\}$/;

/** How many copies the `count` or `for_each` meta-argument makes (1 without either). */
function instanceCount(attrs: Record<string, unknown>): number {
  const count = optionalNumber(attrs, "count");
  if (count !== undefined) return count;
  const forEach = attrs.for_each;
  if (forEach === undefined || forEach === null) return 1;
  // `toset(["a", "b"])` of literal strings arrives as an expression but is countable.
  const literalSet = typeof forEach === "string" ? LITERAL_SET.exec(forEach) : null;
  if (literalSet) return new Set(literalSet[1]?.match(/"[^"]*"/g) ?? []).size;
  if (isExpression(forEach)) {
    throw new Unpriceable(`for_each is ${JSON.stringify(forEach)}; how many instances it makes is only known at plan time`);
  }
  if (Array.isArray(forEach)) return forEach.length;
  if (typeof forEach === "object") return Object.keys(forEach).length;
  throw new Unpriceable(`for_each should be a map or set, found ${JSON.stringify(forEach)}`);
}

/** Decides how to price `resource`: its component specs, free, or unsupported and why. */
export function planResource(resource: TerraformResource, ctx: MapContext): ResourcePlan {
  const mapper = Object.hasOwn(MAPPERS, resource.type) ? MAPPERS[resource.type] : undefined;
  const fixed = Object.hasOwn(FIXED_SPECS, resource.type) ? FIXED_SPECS[resource.type] : undefined;
  if (!mapper && !fixed) {
    if (isFreeType(resource.type)) return { kind: "free" };
    return { kind: "unsupported", reason: `no price mapping for resource type ${resource.type}` };
  }
  try {
    const specs = mapper ? mapper(resource, ctx) : fixed ? [fixed] : [];
    if (specs === "free") return { kind: "free" };
    return { kind: "priced", specs, instances: instanceCount(resource.attributes) };
  } catch (error) {
    if (error instanceof Unpriceable) return { kind: "unsupported", reason: error.message };
    throw error;
  }
}
