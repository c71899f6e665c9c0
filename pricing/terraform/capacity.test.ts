// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold Terraform interpolations, not JS templates
import { describe, expect, it } from "vitest";
import { parseTerraform } from "../../iac/terraform.js";
import { getRegionPrices } from "../catalogue.js";
import { estimateCost } from "../estimate.js";
import { toCents } from "../money.js";

const prices = getRegionPrices("us-east-1");
const usd = (amount: number) => toCents(amount) / 100;

async function estimate(hcl: string) {
  const parsed = await parseTerraform([{ path: "main.tf", content: hcl }]);
  expect(parsed.errors).toEqual([]);
  return estimateCost(parsed.resources, { region: "us-east-1" });
}

const TASK = `
resource "aws_ecs_cluster" "main" {
  name = "app"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "1024"
  memory                   = "2048"
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "__ARCH__"
  }
}
`;

function service(body: string, arch = "X86_64"): string {
  return `${TASK.replace("__ARCH__", arch)}
resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 4
  ${body}
}
`;
}

const priced = (e: Awaited<ReturnType<typeof estimate>>, address: string) => e.resources.find((r) => r.address === address);

describe("Fargate capacity read from the Terraform", () => {
  const spot = prices.fargate.spot.x86_64;
  const onDemand = prices.fargate.x86_64;

  it("prices a service on FARGATE_SPOT at Spot rates", async () => {
    const e = await estimate(service('capacity_provider_strategy {\n    capacity_provider = "FARGATE_SPOT"\n    weight = 1\n  }'));
    const lines = priced(e, "aws_ecs_service.app")?.costComponents ?? [];
    expect(lines.map((c) => [c.price, c.monthlyQuantity])).toEqual([
      [spot.vcpuHour, 4 * 730],
      [spot.gbHour, 4 * 2 * 730],
    ]);
    expect(e.unsupported).toEqual([]);
  });

  it("splits tasks as ECS places them: the base on FARGATE, the rest by weight", async () => {
    // base 1 on demand, then 1:2 → of the other 3 tasks, 1 on demand and 2 on Spot.
    const e = await estimate(
      service(
        'capacity_provider_strategy {\n    capacity_provider = "FARGATE"\n    base = 1\n    weight = 1\n  }\n  capacity_provider_strategy {\n    capacity_provider = "FARGATE_SPOT"\n    weight = 2\n  }',
      ),
    );
    const lines = priced(e, "aws_ecs_service.app")?.costComponents ?? [];
    expect(lines.map((c) => [c.price, c.monthlyQuantity])).toEqual([
      [onDemand.vcpuHour, 2 * 730],
      [onDemand.gbHour, 2 * 2 * 730],
      [spot.vcpuHour, 2 * 730],
      [spot.gbHour, 2 * 2 * 730],
    ]);
  });

  it("falls back to the cluster's default strategy when the service names no launch type or strategy", async () => {
    const e = await estimate(`${service("")}
resource "aws_ecs_cluster_capacity_providers" "main" {
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]
  default_capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }
}
`);
    expect(priced(e, "aws_ecs_service.app")?.costComponents[0]?.price).toBe(spot.vcpuHour);
    expect(e.free).toContain("aws_ecs_cluster_capacity_providers.main");
  });

  it("reads ARM64 from runtime_platform, and refuses ARM64 on Spot", async () => {
    const arm = await estimate(service('launch_type = "FARGATE"', "ARM64"));
    expect(priced(arm, "aws_ecs_service.app")?.costComponents[0]?.price).toBe(prices.fargate.arm64.vcpuHour);
    const armSpot = await estimate(service('capacity_provider_strategy {\n    capacity_provider = "FARGATE_SPOT"\n    weight = 1\n  }', "ARM64"));
    expect(armSpot.unsupported.map((u) => u.reason)).toEqual([expect.stringContaining("x86_64 tasks only")]);
  });

  it("leaves EC2 capacity providers to their instances, and flags a strategy mixing them with Fargate", async () => {
    const ec2 = await estimate(service('capacity_provider_strategy {\n    capacity_provider = "my-asg"\n    weight = 1\n  }'));
    expect(ec2.free).toContain("aws_ecs_service.app");
    const mixed = await estimate(
      service(
        'capacity_provider_strategy {\n    capacity_provider = "my-asg"\n    weight = 1\n  }\n  capacity_provider_strategy {\n    capacity_provider = "FARGATE"\n    weight = 1\n  }',
      ),
    );
    expect(mixed.unsupported[0]?.reason).toContain("mixes Fargate with EC2");
  });
});

describe("public IPv4 addresses of tasks", () => {
  it("bills one address per running task of a service with assign_public_ip", async () => {
    const e = await estimate(service('launch_type = "FARGATE"\n  network_configuration {\n    subnets = ["subnet-1"]\n    assign_public_ip = true\n  }'));
    const line = priced(e, "aws_ecs_service.app")?.costComponents.find((c) => c.name.startsWith("Public IPv4"));
    expect(line).toMatchObject({ price: prices.publicIpv4Hour, monthlyQuantity: 4 * 730, monthlyCost: usd(4 * 730 * prices.publicIpv4Hour) });
  });

  it("bills a scheduled run's addresses only while its tasks run", async () => {
    const e = await estimate(`${TASK.replace("__ARCH__", "X86_64")}
resource "aws_cloudwatch_event_rule" "schedule" {
  name                = "nightly"
  schedule_expression = "rate(1 day)"
}
resource "aws_cloudwatch_event_target" "run" {
  rule = aws_cloudwatch_event_rule.schedule.name
  arn  = aws_ecs_cluster.main.arn
  ecs_target {
    task_definition_arn = aws_ecs_task_definition.app.arn
    task_count          = 2
    launch_type         = "FARGATE"
    network_configuration {
      subnets          = ["subnet-1"]
      assign_public_ip = true
    }
  }
}
`);
    // rate(1 day): 730 / 24 runs a month, 60 minutes each (no run-length tag), two tasks each.
    const line = priced(e, "aws_cloudwatch_event_target.run")?.costComponents.find((c) => c.name.startsWith("Public IPv4"));
    expect(line?.monthlyQuantity).toBeCloseTo(2 * (730 / 24), 6);
  });
});

describe("VPC endpoints and WAF read from the Terraform", () => {
  it("prices an interface endpoint per zone it is in; a gateway endpoint is free", async () => {
    const e = await estimate(`
resource "aws_vpc_endpoint" "logs" {
  vpc_id            = "vpc-1"
  service_name      = "com.amazonaws.us-east-1.logs"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.a.id, aws_subnet.b.id, aws_subnet.c.id]
}
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = "vpc-1"
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
}
resource "aws_vpc_endpoint" "computed" {
  vpc_id            = "vpc-1"
  service_name      = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type = "Interface"
  subnet_ids        = data.aws_subnets.private.ids
}
`);
    expect(priced(e, "aws_vpc_endpoint.logs")?.costComponents[0]).toMatchObject({ monthlyQuantity: 3 * 730, monthlyCost: usd(3 * 730 * 0.01) });
    expect(priced(e, "aws_vpc_endpoint.logs")?.costComponents[1]).toMatchObject({ name: "Data processed", usageBased: true, monthlyCost: null });
    expect(e.free).toContain("aws_vpc_endpoint.s3");
    expect(e.unsupported.find((u) => u.address === "aws_vpc_endpoint.computed")?.reason).toContain("only known at plan time");
  });

  it("prices a web ACL and one rule per rule block; its association is free", async () => {
    const rule = (name: string, priority: number) =>
      `rule {\n    name = "${name}"\n    priority = ${priority}\n    override_action {\n      none {}\n    }\n    statement {\n      managed_rule_group_statement {\n        name = "${name}"\n        vendor_name = "AWS"\n      }\n    }\n    visibility_config {\n      cloudwatch_metrics_enabled = true\n      metric_name = "${name}"\n      sampled_requests_enabled = true\n    }\n  }`;
    const e = await estimate(`
resource "aws_wafv2_web_acl" "main" {
  name  = "acl"
  scope = "REGIONAL"
  default_action {
    allow {}
  }
  ${rule("AWSManagedRulesCommonRuleSet", 1)}
  ${rule("AWSManagedRulesKnownBadInputsRuleSet", 2)}
  ${rule("AWSManagedRulesAmazonIpReputationList", 3)}
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "acl"
    sampled_requests_enabled   = true
  }
}
resource "aws_wafv2_web_acl_association" "alb" {
  resource_arn = aws_lb.main.arn
  web_acl_arn  = aws_wafv2_web_acl.main.arn
}
`);
    expect(priced(e, "aws_wafv2_web_acl.main")?.monthlyCost).toBe(5 + 3);
    expect(e.free).toContain("aws_wafv2_web_acl_association.alb");
    expect(e.totalUsageBasedItems).toBe(1);
  });
});
