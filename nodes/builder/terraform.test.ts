import { parse } from "@cdktn/hcl2json";
import { beforeAll, describe, expect, it } from "vitest";
import { parseTerraform } from "../../iac/terraform.js";
import type { TerraformResource } from "../../iac/types.js";
import type { PlanSpec } from "../../schemas/plan.js";
import { samplePlans, staticSitePlan, webApiProdPlan, workerDevPlan } from "../../test/fixtures/plans/index.js";
import { renderArtifacts } from "./engine.js";
import { UNTAGGABLE_TYPES } from "./labels.js";

type Files = { path: string; content: string }[];

function terraformFiles(plan: PlanSpec): Files {
  return renderArtifacts(plan)
    .files.filter((f) => f.kind === "terraform")
    .map(({ path, content }) => ({ path, content }));
}

async function resourcesOf(plan: PlanSpec) {
  const parsed = await parseTerraform(terraformFiles(plan));
  expect(parsed.errors).toEqual([]);
  return parsed;
}

const byName = (resources: TerraformResource[], type: string, name: string) => {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`${type}.${name} not rendered`);
  return found.attributes;
};

describe("Terraform output", () => {
  for (const [name, plan] of Object.entries(samplePlans)) {
    describe(name, () => {
      it("parses with hcl2json, every file", async () => {
        for (const file of terraformFiles(plan)) {
          await expect(parse(file.path, file.content), file.path).resolves.toBeTypeOf("object");
        }
      });

      it("tags every resource with the trace labels and the component it implements", async () => {
        const { resources, providers } = await resourcesOf(plan);
        const componentIds = new Set(plan.components.map((c) => c.id));
        const files = new Map(terraformFiles(plan).map((f) => [f.path, f.content]));
        expect(resources.length).toBeGreaterThan(0);
        for (const resource of resources) {
          if (UNTAGGABLE_TYPES.has(resource.type)) {
            // Types without a tags argument name their component in a comment right above the block.
            const lines = (files.get(resource.file) ?? "").split("\n");
            const comment = lines[(resource.line ?? 0) - 2] ?? "";
            const id = comment.match(/^# atlas_component: ([a-z0-9-]+) /)?.[1];
            expect(id, resource.address).toBeDefined();
            expect(componentIds.has(id ?? ""), resource.address).toBe(true);
            continue;
          }
          const tags = resource.attributes.tags as Record<string, string> | undefined;
          expect(tags, resource.address).toMatchObject({
            atlas_trace_id: plan.trace_id,
            atlas_plan_id: plan.plan_id,
            atlas_plan_version: String(plan.version),
          });
          expect(componentIds.has(tags?.atlas_component ?? ""), `${resource.address} → ${tags?.atlas_component}`).toBe(true);
        }
        for (const provider of providers) {
          const defaults = (provider.attributes.default_tags as { tags: Record<string, string> }[])[0]?.tags;
          expect(defaults).toEqual({ atlas_plan_id: plan.plan_id, atlas_plan_version: String(plan.version), atlas_trace_id: plan.trace_id });
        }
      });

      it("pins Terraform and the AWS provider", () => {
        const versions = terraformFiles(plan).find((f) => f.path === "terraform/versions.tf")?.content ?? "";
        expect(versions).toContain('required_version = ">= 1.6"');
        expect(versions).toMatch(/source\s+= "hashicorp\/aws"\n\s+version = "~> 5.0"/);
      });
    });
  }

  describe("prod web API on ECS", () => {
    let resources: TerraformResource[] = [];
    beforeAll(async () => {
      resources = (await resourcesOf(webApiProdPlan)).resources;
    });

    it("builds the network from the plan: subnets per AZ, one NAT gateway and EIP each, flow logs", () => {
      const count = (type: string) => resources.filter((r) => r.type === type).length;
      expect(count("aws_subnet")).toBe(6);
      expect(count("aws_nat_gateway")).toBe(3);
      expect(count("aws_eip")).toBe(3);
      expect(count("aws_route_table")).toBe(4);
      expect(byName(resources, "aws_flow_log", "vpc")).toMatchObject({ traffic_type: "ALL", vpc_id: "${aws_vpc.main.id}" });
      expect(resources.filter((r) => r.type === "aws_subnet").every((s) => s.attributes.map_public_ip_on_launch === false)).toBe(true);
    });

    it("opens 443 and 80 to the internet on the ALB only; the tiers behind take traffic from the tier in front", () => {
      const ingress = resources.filter((r) => r.type === "aws_vpc_security_group_ingress_rule");
      const open = ingress.filter((r) => r.attributes.cidr_ipv4 === "0.0.0.0/0");
      expect(open.map((r) => [r.attributes.security_group_id, r.attributes.from_port])).toEqual([
        ["${aws_security_group.alb.id}", 443],
        ["${aws_security_group.alb.id}", 80],
      ]);
      expect(byName(resources, "aws_vpc_security_group_ingress_rule", "database_from_service")).toMatchObject({
        from_port: 5432,
        referenced_security_group_id: "${aws_security_group.service.id}",
      });
      expect(byName(resources, "aws_vpc_security_group_ingress_rule", "cache_from_service")).toMatchObject({
        from_port: 6379,
        referenced_security_group_id: "${aws_security_group.service.id}",
      });
      expect(byName(resources, "aws_vpc_security_group_ingress_rule", "service_from_alb")).toMatchObject({
        from_port: 8080,
        referenced_security_group_id: "${aws_security_group.alb.id}",
      });
    });

    it("serves HTTPS with a TLS 1.2+ policy and only redirects on HTTP", () => {
      expect(byName(resources, "aws_lb_listener", "https")).toMatchObject({ protocol: "HTTPS", port: 443, ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
      const http = byName(resources, "aws_lb_listener", "http_redirect");
      expect(http.default_action).toEqual([{ type: "redirect", redirect: [{ protocol: "HTTPS", port: "443", status_code: "HTTP_301" }] }]);
      expect(byName(resources, "aws_lb_target_group", "service").health_check).toEqual([expect.objectContaining({ path: "/healthz" })]);
    });

    it("sizes ECS from the plan and scales on CPU", () => {
      expect(byName(resources, "aws_ecs_task_definition", "app")).toMatchObject({ cpu: "1024", memory: "2048" });
      expect(byName(resources, "aws_ecs_service", "app")).toMatchObject({ desired_count: 3, launch_type: "FARGATE" });
      expect(byName(resources, "aws_appautoscaling_target", "app")).toMatchObject({ min_capacity: 3, max_capacity: 12 });
      expect(byName(resources, "aws_ecs_cluster", "main").setting).toEqual([{ name: "containerInsights", value: "enabled" }]);
    });

    it("renders PostgreSQL as planned: Multi-AZ, gp3, encrypted, private, protected, with a replica", () => {
      expect(byName(resources, "aws_db_instance", "orders_db")).toMatchObject({
        engine: "postgres",
        instance_class: "db.r6g.large",
        multi_az: true,
        allocated_storage: 100,
        max_allocated_storage: 500,
        storage_type: "gp3",
        storage_encrypted: true,
        kms_key_id: "${aws_kms_key.main.arn}",
        backup_retention_period: 14,
        deletion_protection: true,
        publicly_accessible: false,
        performance_insights_enabled: true,
        copy_tags_to_snapshot: true,
      });
      expect(byName(resources, "aws_db_instance", "orders_db_replica_1").replicate_source_db).toBe("${aws_db_instance.orders_db.identifier}");
    });

    it("encrypts Redis at rest and in transit, S3 with the plan's key, and blocks public access", () => {
      expect(byName(resources, "aws_elasticache_replication_group", "sessions")).toMatchObject({
        at_rest_encryption_enabled: true,
        transit_encryption_enabled: true,
        num_cache_clusters: 2,
        multi_az_enabled: true,
      });
      expect(byName(resources, "aws_s3_bucket_public_access_block", "uploads")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      const sse = byName(resources, "aws_s3_bucket_server_side_encryption_configuration", "uploads");
      expect(JSON.stringify(sse)).toContain('"sse_algorithm":"aws:kms"');
      expect(byName(resources, "aws_kms_key", "main").enable_key_rotation).toBe(true);
    });

    it("keeps log retention and alarms to the plan", () => {
      expect(byName(resources, "aws_cloudwatch_log_group", "app")).toMatchObject({ retention_in_days: 30, kms_key_id: "${aws_kms_key.main.arn}" });
      const alarms = resources.filter((r) => r.type === "aws_cloudwatch_metric_alarm");
      expect(alarms.map((a) => a.name)).toEqual(["api_5xx_rate", "api_p95_latency", "db_cpu", "redis_memory", "service_cpu"]);
      expect(byName(resources, "aws_cloudwatch_metric_alarm", "api_p95_latency")).toMatchObject({
        threshold: 0.3,
        extended_statistic: "p95",
        metric_name: "TargetResponseTime",
      });
    });

    it("never grants a wildcard action", async () => {
      const iam = terraformFiles(webApiProdPlan).find((f) => f.path === "terraform/iam.tf")?.content ?? "";
      expect(iam).not.toMatch(/Action\s*=\s*\[?\s*"(\*|[a-z0-9-]+:\*)"/);
      expect(iam).toContain('Action   = ["s3:GetObject", "s3:PutObject"]');
    });
  });

  it("runs the dev worker on EKS with a private endpoint, logging and the planned node group", async () => {
    const { resources } = await resourcesOf(workerDevPlan);
    const cluster = byName(resources, "aws_eks_cluster", "main");
    expect(cluster.vpc_config).toEqual([expect.objectContaining({ endpoint_private_access: true, endpoint_public_access: false })]);
    expect(cluster.enabled_cluster_log_types).toContain("audit");
    expect(byName(resources, "aws_eks_node_group", "main")).toMatchObject({
      instance_types: ["t3.medium"],
      scaling_config: [expect.objectContaining({ desired_size: 2, min_size: 2 })],
    });
    expect(byName(resources, "aws_sqs_queue", "invoices")).toMatchObject({ sqs_managed_sse_enabled: true, visibility_timeout_seconds: 120 });
    expect(byName(resources, "aws_sqs_queue", "invoices").redrive_policy).toContain("aws_sqs_queue.invoices_dlq.arn");
    expect(byName(resources, "aws_eks_pod_identity_association", "workload")).toMatchObject({
      namespace: "invoice-worker-dev",
      service_account: "invoice-worker",
    });
    expect(resources.some((r) => r.type === "aws_lb")).toBe(false);
  });

  it("serves the static site through CloudFront with origin access control and no compute", async () => {
    const { resources, providers } = await resourcesOf(staticSitePlan);
    const types = new Set(resources.map((r) => r.type));
    for (const absent of ["aws_vpc", "aws_ecs_service", "aws_eks_cluster", "aws_lb", "aws_ecr_repository"]) expect(types.has(absent)).toBe(false);
    const distribution = byName(resources, "aws_cloudfront_distribution", "site");
    expect(distribution.origin).toEqual([expect.objectContaining({ origin_access_control_id: "${aws_cloudfront_origin_access_control.site.id}" })]);
    expect(distribution.viewer_certificate).toEqual([expect.objectContaining({ minimum_protocol_version: "TLSv1.2_2021" })]);
    expect(byName(resources, "aws_s3_bucket_policy", "site_content").policy).toContain("aws_cloudfront_distribution.site.arn");
    // CloudFront metrics live in us-east-1; the alarm uses an aliased provider from us-west-2.
    expect(providers.map((p) => p.attributes.region)).toEqual(["us-west-2", "us-east-1"]);
    expect(byName(resources, "aws_cloudwatch_metric_alarm", "cdn_5xx").provider).toBe("${aws.us_east_1}");
  });
});
