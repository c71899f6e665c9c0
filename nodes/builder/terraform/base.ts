import type { BuildContext } from "../context.js";
import { block, type HclBlock, type HclValue, ref } from "../hcl.js";
import { tfName, traceTags } from "../labels.js";
import { cacheUserAddress } from "./database.js";
import { databaseEndpoint, engineFacts } from "./engines.js";
import { natCount, subnetIds, vpcId } from "./network.js";
import { alarmsNeedGlobalProvider } from "./observability.js";
import type { TfSection } from "./shared.js";
import { siteBucket } from "./static-site.js";
import { WEB_ACL, wafNeedsGlobalProvider, wafScope } from "./waf.js";

/** versions.tf: Terraform 1.6+ and the AWS provider 5.x. */
export function renderVersions(): TfSection[] {
  const terraform: HclBlock = {
    type: "terraform",
    labels: [],
    body: {
      required_version: ">= 1.6",
      required_providers: block({ aws: { source: "hashicorp/aws", version: "~> 5.0" } }),
    },
  };
  return [{ file: "versions.tf", blocks: [terraform] }];
}

/** providers.tf: the AWS provider in the plan's region with the trace labels as default tags. */
export function renderProviders(ctx: BuildContext): TfSection[] {
  const defaultTags = block({ tags: traceTags(ctx.plan) });
  const blocks: HclBlock[] = [{ type: "provider", labels: ["aws"], body: { region: ctx.plan.region, default_tags: defaultTags } }];
  const why = [
    ...(alarmsNeedGlobalProvider(ctx) ? ["CloudFront publishes its metrics in us-east-1 only."] : []),
    ...(wafNeedsGlobalProvider(ctx) ? ["A web ACL for CloudFront must be created in us-east-1."] : []),
  ];
  if (why.length > 0) {
    blocks.push({ type: "provider", labels: ["aws"], body: { alias: "us_east_1", region: "us-east-1", default_tags: defaultTags }, comment: why });
  }
  blocks.push({ type: "data", labels: ["aws_caller_identity", "current"], body: {} }, { type: "data", labels: ["aws_partition", "current"], body: {} });
  return [{ file: "providers.tf", blocks }];
}

function variable(name: string, body: Record<string, HclValue | ReturnType<typeof block> | undefined>): HclBlock {
  return { type: "variable", labels: [name], body };
}

/** variables.tf: only what the plan cannot know (certificate, domains, where alarms go). */
export function renderVariables(ctx: BuildContext): TfSection[] {
  const site = siteBucket(ctx) !== undefined;
  const blocks: HclBlock[] = [];
  if (ctx.hasAlb || site) {
    blocks.push(
      variable("certificate_arn", {
        description: site ? "ACM certificate (in us-east-1) for the CloudFront aliases" : "ACM certificate for the load balancer's HTTPS listener",
        type: ref("string"),
        validation: block({
          condition: ref('can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/", var.certificate_arn))'),
          error_message: "certificate_arn must be the ARN of an ACM certificate.",
        }),
      }),
    );
  }
  if (site)
    blocks.push(
      variable("domain_names", { description: "Domain names CloudFront answers for (covered by the certificate)", type: ref("list(string)"), default: [] }),
    );
  if (ctx.plan.observability.alerts.length > 0) {
    blocks.push(
      variable("alarm_actions", {
        description: "ARNs notified when an alarm fires or recovers (SNS topics, incident tooling)",
        type: ref("list(string)"),
        default: [],
      }),
    );
  }
  return blocks.length > 0 ? [{ file: "variables.tf", blocks }] : [];
}

function output(name: string, description: string, value: HclValue): HclBlock {
  return { type: "output", labels: [name], body: { description, value } };
}

/** outputs.tf: what operators and the Kubernetes side need after `terraform apply`. */
export function renderOutputs(ctx: BuildContext): TfSection[] {
  const { plan } = ctx;
  const blocks: HclBlock[] = [];
  if (ctx.hasNetwork) {
    blocks.push(
      output("vpc_id", "VPC of the design", vpcId(ctx)),
      output("private_subnet_ids", "Private subnets (services, databases, caches)", subnetIds(ctx, "private")),
    );
    if (natCount(ctx) > 0)
      blocks.push(
        output(
          "nat_public_ips",
          "Egress addresses to allow-list at partners",
          Array.from({ length: natCount(ctx) }, (_, i) => ref(`aws_eip.nat_${i + 1}.public_ip`)),
        ),
      );
  }
  if (ctx.hasAlb) blocks.push(output("load_balancer_dns_name", "Point the service's DNS record here", ref("aws_lb.main.dns_name")));
  if (ctx.hasService) blocks.push(output("ecr_repository_url", "Push release images here", ref("aws_ecr_repository.app.repository_url")));
  if (plan.compute.platform === "ecs-fargate") blocks.push(output("ecs_cluster_name", "ECS cluster", ref("aws_ecs_cluster.main.name")));
  if (plan.compute.platform === "eks") blocks.push(output("eks_cluster_name", "aws eks update-kubeconfig --name <this>", ref("aws_eks_cluster.main.name")));
  for (const db of plan.databases)
    blocks.push(output(`database_${tfName(db.id)}_endpoint`, `${engineFacts(db).label} ${db.id} (TLS required)`, databaseEndpoint(db)));
  for (const cache of plan.caches)
    blocks.push(
      output(
        `redis_${tfName(cache.id)}_endpoint`,
        `Redis ${cache.id} primary (TLS)`,
        ref(`aws_elasticache_replication_group.${tfName(cache.id)}.primary_endpoint_address`),
      ),
      output(
        `redis_${tfName(cache.id)}_user`,
        `Redis ${cache.id} user for IAM authentication (no password: sign a token with elasticache:Connect)`,
        ref(`${cacheUserAddress(cache)}.user_name`),
      ),
    );
  for (const bucket of plan.buckets)
    blocks.push(output(`bucket_${tfName(bucket.id)}_name`, `S3 bucket ${bucket.id}`, ref(`aws_s3_bucket.${tfName(bucket.id)}.bucket`)));
  for (const queue of plan.queues) blocks.push(output(`queue_${tfName(queue.id)}_url`, `SQS queue ${queue.id}`, ref(`aws_sqs_queue.${tfName(queue.id)}.url`)));
  if (wafScope(ctx)) blocks.push(output("web_acl_arn", "AWS WAF web ACL in front of the public entry point", ref(`${WEB_ACL}.arn`)));
  if (siteBucket(ctx)) blocks.push(output("cloudfront_domain_name", "Point the site's DNS records here", ref("aws_cloudfront_distribution.site.domain_name")));
  return blocks.length > 0 ? [{ file: "outputs.tf", blocks }] : [];
}
