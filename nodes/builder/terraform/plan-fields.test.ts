// biome-ignore-all lint/suspicious/noTemplateCurlyInString: expectations hold Terraform interpolations, not JS templates
import { describe, expect, it } from "vitest";
import { parseTerraform } from "../../../iac/terraform.js";
import type { TerraformResource } from "../../../iac/types.js";
import { isAtlasError } from "../../../lib/errors.js";
import { type PlanSpec, planSpecSchema } from "../../../schemas/plan.js";
import { staticSitePlan, webApiProdPlan, workerDevPlan } from "../../../test/fixtures/plans/index.js";
import { MORE_UNTAGGABLE_TYPES } from "../context.js";
import { renderArtifacts } from "../engine.js";
import { UNTAGGABLE_TYPES } from "../labels.js";

/** A sample plan with one field changed, parsed again so defaults and checks apply. */
function variant(base: PlanSpec, edit: (plan: PlanSpec) => void): PlanSpec {
  const plan = structuredClone(base);
  edit(plan);
  return planSpecSchema.parse(plan);
}

/** The plan's Terraform, parsed the way the validator parses it. */
async function terraformOf(plan: PlanSpec) {
  const files = renderArtifacts(plan)
    .files.filter((f) => f.kind === "terraform")
    .map(({ path, content }) => ({ path, content }));
  const parsed = await parseTerraform(files);
  expect(parsed.errors).toEqual([]);
  return { ...parsed, files };
}

/** The one resource of a type and name. */
function one(resources: TerraformResource[], type: string, name: string): Record<string, unknown> {
  const found = resources.filter((r) => r.type === type && r.name === name);
  expect(
    found.map((r) => r.address),
    `${type}.${name}`,
  ).toHaveLength(1);
  return (found[0] as TerraformResource).attributes;
}

/** Every resource carries the trace tags, or (types without tags) a comment naming its component. */
function expectTraced(plan: PlanSpec, parsed: Awaited<ReturnType<typeof terraformOf>>): void {
  const components = new Set(plan.components.map((c) => c.id));
  const files = new Map(parsed.files.map((f) => [f.path, f.content]));
  for (const resource of parsed.resources) {
    if (UNTAGGABLE_TYPES.has(resource.type) || MORE_UNTAGGABLE_TYPES.has(resource.type)) {
      const comment = (files.get(resource.file) ?? "").split("\n")[(resource.line ?? 0) - 2] ?? "";
      expect(components.has(comment.match(/^# atlas_component: ([a-z0-9-]+) /)?.[1] ?? ""), resource.address).toBe(true);
      continue;
    }
    const tags = resource.attributes.tags as Record<string, string> | undefined;
    expect(tags?.atlas_plan_id, resource.address).toBe(plan.plan_id);
    expect(components.has(tags?.atlas_component ?? ""), resource.address).toBe(true);
  }
}

function refusal(plan: PlanSpec): { message: string; paths: string[] } {
  try {
    renderArtifacts(plan);
  } catch (error) {
    if (!isAtlasError(error)) throw error;
    const issues = (error as { issues?: { path: string }[] }).issues ?? [];
    return { message: error.message, paths: issues.map((i) => i.path) };
  }
  throw new Error("the plan was rendered");
}

describe("compute.architecture = arm64", () => {
  it("runs ECS tasks on ARM64 Fargate (services and scheduled runs share the task definition)", async () => {
    const plan = variant(webApiProdPlan, (p) => {
      p.compute.architecture = "arm64";
    });
    const parsed = await terraformOf(plan);
    expect(one(parsed.resources, "aws_ecs_task_definition", "app").runtime_platform).toEqual([{ operating_system_family: "LINUX", cpu_architecture: "ARM64" }]);
    expectTraced(plan, parsed);
    // The default stays x86_64, so plans written before the field render as before.
    const x86 = await terraformOf(webApiProdPlan);
    expect(one(x86.resources, "aws_ecs_task_definition", "app").runtime_platform).toEqual([{ operating_system_family: "LINUX", cpu_architecture: "X86_64" }]);
  });

  it("gives EKS nodes an ARM AMI on a Graviton type, and refuses arm64 on an x86 type", async () => {
    const graviton = variant(workerDevPlan, (p) => {
      p.compute.architecture = "arm64";
      p.compute.node_instance_type = "m7g.large";
    });
    const nodes = one((await terraformOf(graviton)).resources, "aws_eks_node_group", "main");
    expect(nodes).toMatchObject({ ami_type: "AL2023_ARM_64_STANDARD", instance_types: ["m7g.large"] });
    const mismatch = variant(workerDevPlan, (p) => {
      p.compute.architecture = "arm64";
      p.compute.node_instance_type = "t3.medium";
    });
    expect(refusal(mismatch)).toEqual({ message: expect.stringContaining("t3.medium is x86_64"), paths: ["compute.node_instance_type"] });
  });
});

describe("compute.capacity = spot", () => {
  const spot = variant(webApiProdPlan, (p) => {
    p.compute.capacity = "spot";
  });

  it("associates FARGATE and FARGATE_SPOT with the cluster and places the service on Spot instead of a launch type", async () => {
    const parsed = await terraformOf(spot);
    expect(one(parsed.resources, "aws_ecs_cluster_capacity_providers", "main")).toMatchObject({
      cluster_name: "${aws_ecs_cluster.main.name}",
      capacity_providers: ["FARGATE", "FARGATE_SPOT"],
      default_capacity_provider_strategy: [{ capacity_provider: "FARGATE_SPOT", weight: 1 }],
    });
    const service = one(parsed.resources, "aws_ecs_service", "app");
    expect(service.launch_type).toBeUndefined();
    expect(service.capacity_provider_strategy).toEqual([{ capacity_provider: "FARGATE_SPOT", weight: 1, base: 0 }]);
    // ECS refuses a Spot service on a cluster that does not have the provider yet.
    expect(service.depends_on).toContain("${aws_ecs_cluster_capacity_providers.main}");
    expectTraced(spot, parsed);
  });

  it("starts scheduled runs on Spot from EventBridge", async () => {
    const scheduled = variant(spot, (p) => {
      p.network.ingress = { type: "none", public: false, tls: false };
      p.compute.schedule = { expression: "cron(0 2 * * ? *)", run_minutes: 30, tasks_per_run: 2 };
    });
    const target = one((await terraformOf(scheduled)).resources, "aws_cloudwatch_event_target", "run_task");
    const ecs = (target.ecs_target as Record<string, unknown>[])[0];
    expect(ecs?.launch_type).toBeUndefined();
    expect(ecs?.capacity_provider_strategy).toEqual([{ capacity_provider: "FARGATE_SPOT", weight: 1, base: 0 }]);
    expect(ecs?.task_count).toBe(2);
  });

  it("refuses Spot with arm64: Fargate Spot runs X86_64 tasks only", () => {
    const both = variant(spot, (p) => {
      p.compute.architecture = "arm64";
    });
    expect(refusal(both).paths).toEqual(["compute.capacity", "compute.architecture"]);
  });
});

const count = (resources: TerraformResource[], type: string) => resources.filter((r) => r.type === type).length;

describe("network.task_subnets = public with no NAT gateway", () => {
  const plan = variant(webApiProdPlan, (p) => {
    p.network.task_subnets = "public";
    p.network.nat_gateways = 0;
  });

  it("runs tasks in the public subnets with a public IP, and builds no NAT gateway, EIP or default route for private subnets", async () => {
    const parsed = await terraformOf(plan);
    const { resources } = parsed;
    expect(one(resources, "aws_ecs_service", "app").network_configuration).toEqual([
      {
        subnets: ["${aws_subnet.public_us_east_1a.id}", "${aws_subnet.public_us_east_1b.id}", "${aws_subnet.public_us_east_1c.id}"],
        security_groups: ["${aws_security_group.service.id}"],
        assign_public_ip: true,
      },
    ]);
    expect(count(resources, "aws_nat_gateway")).toBe(0);
    expect(count(resources, "aws_eip")).toBe(0);
    expect(one(resources, "aws_route_table", "private_1").route).toBeUndefined();
    // Databases and caches stay in the private subnets.
    expect(one(resources, "aws_db_subnet_group", "main").subnet_ids).toEqual([
      "${aws_subnet.private_us_east_1a.id}",
      "${aws_subnet.private_us_east_1b.id}",
      "${aws_subnet.private_us_east_1c.id}",
    ]);
    expectTraced(plan, parsed);
  });

  it("keeps the service's security group closed to everything but the load balancer", async () => {
    const { resources } = await terraformOf(plan);
    const ingress = resources.filter(
      (r) => r.type === "aws_vpc_security_group_ingress_rule" && r.attributes.security_group_id === "${aws_security_group.service.id}",
    );
    expect(ingress.map((r) => r.attributes.referenced_security_group_id)).toEqual(["${aws_security_group.alb.id}"]);
    expect(ingress.every((r) => r.attributes.cidr_ipv4 === undefined)).toBe(true);
  });

  it("puts EKS nodes in the public subnets, which then assign addresses at launch (managed node groups need one)", async () => {
    const eks = variant(workerDevPlan, (p) => {
      p.network.task_subnets = "public";
      p.network.nat_gateways = 0;
    });
    const { resources } = await terraformOf(eks);
    expect(one(resources, "aws_eks_node_group", "main").subnet_ids).toEqual(["${aws_subnet.public_eu_west_1a.id}", "${aws_subnet.public_eu_west_1b.id}"]);
    expect(one(resources, "aws_subnet", "public_eu_west_1a").map_public_ip_on_launch).toBe(true);
    expect(one(resources, "aws_subnet", "private_eu_west_1a").map_public_ip_on_launch).toBe(false);
  });
});

describe("network.vpc_endpoints", () => {
  const plan = variant(webApiProdPlan, (p) => {
    p.network.nat_gateways = 0;
    p.network.vpc_endpoints = ["s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "sqs", "sts"];
  });

  it("routes S3 through a gateway endpoint on the private route tables", async () => {
    const { resources } = await terraformOf(plan);
    expect(one(resources, "aws_vpc_endpoint", "s3")).toMatchObject({
      service_name: "com.amazonaws.us-east-1.s3",
      vpc_endpoint_type: "Gateway",
      route_table_ids: ["${aws_route_table.private_1.id}"],
    });
  });

  it("puts each other service behind an interface endpoint: one private subnet per zone, private DNS, HTTPS from the VPC only", async () => {
    const parsed = await terraformOf(plan);
    const { resources } = parsed;
    const interfaces = resources.filter((r) => r.type === "aws_vpc_endpoint" && r.attributes.vpc_endpoint_type === "Interface");
    expect(interfaces.map((r) => r.attributes.service_name)).toEqual(
      ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sqs", "sts"].map((s) => `com.amazonaws.us-east-1.${s}`),
    );
    for (const endpoint of interfaces) {
      expect(endpoint.attributes).toMatchObject({
        private_dns_enabled: true,
        security_group_ids: ["${aws_security_group.endpoints.id}"],
        subnet_ids: ["${aws_subnet.private_us_east_1a.id}", "${aws_subnet.private_us_east_1b.id}", "${aws_subnet.private_us_east_1c.id}"],
      });
    }
    expect(one(resources, "aws_vpc_security_group_ingress_rule", "endpoints_https")).toMatchObject({
      security_group_id: "${aws_security_group.endpoints.id}",
      from_port: 443,
      cidr_ipv4: webApiProdPlan.network.vpc_cidr,
    });
    expectTraced(plan, parsed);
  });

  it("uses one subnet per zone when a zone has two private subnets (AWS allows one per zone)", async () => {
    const doubled = variant(plan, (p) => {
      p.network.availability_zones = ["us-east-1a", "us-east-1b"];
      p.network.private_subnets = ["10.20.10.0/23", "10.20.12.0/23", "10.20.14.0/23", "10.20.16.0/23"];
    });
    const { resources } = await terraformOf(doubled);
    expect(one(resources, "aws_vpc_endpoint", "logs").subnet_ids).toEqual(["${aws_subnet.private_us_east_1a.id}", "${aws_subnet.private_us_east_1b.id}"]);
  });
});

describe("network.existing_vpc", () => {
  const plan = variant(webApiProdPlan, (p) => {
    p.network.existing_vpc = { vpc_id: "vpc-0abc1234", subnet_ids: ["subnet-0aaa1111", "subnet-0bbb2222"] };
    p.network.vpc_endpoints = ["s3", "logs"];
  });

  it("reads the VPC and its subnets with data sources and creates no VPC, subnets, gateways or route tables", async () => {
    const parsed = await terraformOf(plan);
    const { resources, dataSources } = parsed;
    for (const type of ["aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_route_table", "aws_default_security_group"])
      expect(count(resources, type), type).toBe(0);
    const data = (type: string, name: string) => dataSources.find((d) => d.type === type && d.name === name)?.attributes;
    expect(data("aws_vpc", "main")).toEqual({ id: "vpc-0abc1234" });
    expect(data("aws_subnets", "private")?.filter).toEqual([
      { name: "vpc-id", values: ["vpc-0abc1234"] },
      { name: "subnet-id", values: ["subnet-0aaa1111", "subnet-0bbb2222"] },
    ]);
    expect(data("aws_subnets", "public")?.filter).toEqual([
      { name: "vpc-id", values: ["vpc-0abc1234"] },
      { name: "tag:Tier", values: ["public"] },
    ]);
    expectTraced(plan, parsed);
  });

  it("points everything that needs the network at the data sources", async () => {
    const { resources } = await terraformOf(plan);
    expect(one(resources, "aws_ecs_service", "app").network_configuration).toEqual([expect.objectContaining({ subnets: "${data.aws_subnets.private.ids}" })]);
    expect(one(resources, "aws_lb", "main").subnets).toBe("${data.aws_subnets.public.ids}");
    expect(one(resources, "aws_lb_target_group", "service").vpc_id).toBe("${data.aws_vpc.main.id}");
    expect(one(resources, "aws_db_subnet_group", "main").subnet_ids).toBe("${data.aws_subnets.private.ids}");
    expect(one(resources, "aws_security_group", "service").vpc_id).toBe("${data.aws_vpc.main.id}");
    expect(one(resources, "aws_flow_log", "vpc").vpc_id).toBe("${data.aws_vpc.main.id}");
    expect(one(resources, "aws_vpc_endpoint", "s3").route_table_ids).toBe("${data.aws_route_tables.private.ids}");
    expect(one(resources, "aws_vpc_endpoint", "logs").subnet_ids).toContain("data.aws_subnet.private");
    // The id appears in the artifacts, not a new VPC.
    const text = (await terraformOf(plan)).files.map((f) => f.content).join("\n");
    expect(text).toContain('"vpc-0abc1234"');
    expect(text).not.toContain(webApiProdPlan.network.vpc_cidr);
  });

  it("finds the private subnets by the tier tag when the plan names none", async () => {
    const tagged = variant(workerDevPlan, (p) => {
      p.network.existing_vpc = { vpc_id: "vpc-0abc1234", subnet_ids: [] };
    });
    const { dataSources, resources } = await terraformOf(tagged);
    const privateSubnets = dataSources.find((d) => d.type === "aws_subnets" && d.name === "private")?.attributes;
    expect(privateSubnets?.filter).toEqual([
      { name: "vpc-id", values: ["vpc-0abc1234"] },
      { name: "tag:Tier", values: ["private"] },
    ]);
    expect(one(resources, "aws_eks_cluster", "main").vpc_config).toEqual([expect.objectContaining({ subnet_ids: "${data.aws_subnets.private.ids}" })]);
  });
});

describe("DB and cache subnet groups span two zones", () => {
  it("adds a database subnet in another zone, in a free block, when the plan has one private subnet", async () => {
    const single = variant(webApiProdPlan, (p) => {
      p.network = { ...p.network, availability_zones: ["us-east-1a"], public_subnets: ["10.20.0.0/24"], private_subnets: ["10.20.16.0/20"], nat_gateways: 1 };
      p.network.ingress = { type: "none", public: false, tls: false };
    });
    const { resources, dataSources } = await terraformOf(single);
    const spare = one(resources, "aws_subnet", "database_1");
    // The first /20 of 10.20.0.0/16 holds the public /24 and the second is the private subnet: the third is free.
    expect(spare.cidr_block).toBe("10.20.32.0/20");
    expect(spare.availability_zone).toBe('${[for z in data.aws_availability_zones.available.names : z if !contains(["us-east-1a"], z)][0]}');
    expect(dataSources.some((d) => d.type === "aws_availability_zones")).toBe(true);
    expect(one(resources, "aws_route_table_association", "database_1").route_table_id).toBe("${aws_route_table.private_1.id}");
    const group = ["${aws_subnet.private_us_east_1a.id}", "${aws_subnet.database_1.id}"];
    expect(one(resources, "aws_db_subnet_group", "main").subnet_ids).toEqual(group);
    expect(one(resources, "aws_elasticache_subnet_group", "main").subnet_ids).toEqual(group);
    // Tasks do not spread into the database subnet.
    expect(JSON.stringify(one(resources, "aws_ecs_service", "app").network_configuration)).not.toContain("database_1");
  });

  it("uses a zone the plan already names before asking the region for one", async () => {
    const twoZones = variant(webApiProdPlan, (p) => {
      p.network = { ...p.network, availability_zones: ["us-east-1a", "us-east-1b"], private_subnets: ["10.20.16.0/20"] };
    });
    const { resources, dataSources } = await terraformOf(twoZones);
    expect(one(resources, "aws_subnet", "database_1")).toMatchObject({ availability_zone: "us-east-1b" });
    expect(dataSources.some((d) => d.type === "aws_availability_zones")).toBe(false);
  });

  it("adds nothing when the private subnets already span two zones", async () => {
    const { resources } = await terraformOf(webApiProdPlan);
    expect(resources.some((r) => r.type === "aws_subnet" && r.name.startsWith("database_"))).toBe(false);
    expect(one(resources, "aws_db_subnet_group", "main").subnet_ids).toHaveLength(3);
  });
});

describe("databases[].engine", () => {
  const db = webApiProdPlan.databases[0] as PlanSpec["databases"][number];

  it("renders MySQL on RDS: port 3306, a mysql8.0 parameter group that requires TLS, MySQL log exports", async () => {
    const plan = variant(webApiProdPlan, (p) => {
      p.databases = [{ ...db, engine: "mysql", engine_version: "8.0.39" }];
    });
    const parsed = await terraformOf(plan);
    const { resources } = parsed;
    expect(one(resources, "aws_db_instance", "orders_db")).toMatchObject({
      engine: "mysql",
      engine_version: "8.0.39",
      port: 3306,
      storage_encrypted: true,
      manage_master_user_password: true,
      enabled_cloudwatch_logs_exports: ["error", "slowquery"],
    });
    const parameters = one(resources, "aws_db_parameter_group", "orders_db");
    expect(parameters.family).toBe("mysql8.0");
    expect(parameters.parameter).toContainEqual({ name: "require_secure_transport", value: "1" });
    expect(one(resources, "aws_vpc_security_group_ingress_rule", "database_from_service")).toMatchObject({ from_port: 3306, to_port: 3306 });
    expect(one(resources, "aws_vpc_security_group_egress_rule", "service_to_database")).toMatchObject({ from_port: 3306 });
    expectTraced(plan, parsed);
  });

  it("renders Aurora PostgreSQL as a cluster: encrypted with the plan's key, managed password, backups, protection, 1 + replicas instances", async () => {
    const plan = variant(webApiProdPlan, (p) => {
      p.databases = [{ ...db, engine: "aurora-postgresql", engine_version: "16.4", read_replicas: 2 }];
    });
    const parsed = await terraformOf(plan);
    const { resources } = parsed;
    expect(count(resources, "aws_db_instance")).toBe(0);
    expect(one(resources, "aws_rds_cluster", "orders_db")).toMatchObject({
      engine: "aurora-postgresql",
      engine_version: "16.4",
      storage_encrypted: true,
      kms_key_id: "${aws_kms_key.main.arn}",
      manage_master_user_password: true,
      backup_retention_period: db.backup_retention_days,
      deletion_protection: true,
      db_subnet_group_name: "${aws_db_subnet_group.main.name}",
      vpc_security_group_ids: ["${aws_security_group.database.id}"],
    });
    expect(one(resources, "aws_rds_cluster_parameter_group", "orders_db").family).toBe("aurora-postgresql16");
    const instances = resources.filter((r) => r.type === "aws_rds_cluster_instance");
    expect(instances.map((r) => r.attributes.instance_class)).toEqual(["db.r6g.large", "db.r6g.large", "db.r6g.large"]);
    expect(instances.every((r) => r.attributes.cluster_identifier === "${aws_rds_cluster.orders_db.id}")).toBe(true);
    // The service, its role and the operators all reach the cluster, not an instance.
    const service = JSON.stringify(one(resources, "aws_ecs_task_definition", "app").container_definitions);
    expect(service).toContain("aws_rds_cluster.orders_db.endpoint");
    expect(service).toContain("aws_rds_cluster.orders_db.reader_endpoint");
    expect(JSON.stringify(resources.filter((r) => r.type === "aws_iam_policy").map((r) => r.attributes.policy))).toContain(
      "aws_rds_cluster.orders_db.master_user_secret[0].secret_arn",
    );
    expectTraced(plan, parsed);
  });

  it("gives a Multi-AZ Aurora MySQL cluster without replicas a second instance, and Aurora's minimum of one backup day", async () => {
    const plan = variant(webApiProdPlan, (p) => {
      p.databases = [{ ...db, engine: "aurora-mysql", engine_version: "8.0.mysql_aurora.3.08.0", read_replicas: 0, multi_az: true, backup_retention_days: 0 }];
    });
    const { resources } = await terraformOf(plan);
    expect(count(resources, "aws_rds_cluster_instance")).toBe(2);
    expect(one(resources, "aws_rds_cluster", "orders_db")).toMatchObject({ engine: "aurora-mysql", port: 3306, backup_retention_period: 1 });
    expect(one(resources, "aws_rds_cluster_parameter_group", "orders_db").family).toBe("aurora-mysql8.0");
    const single = variant(plan, (p) => {
      p.databases = [{ ...(p.databases[0] as PlanSpec["databases"][number]), multi_az: false }];
    });
    expect(count((await terraformOf(single)).resources, "aws_rds_cluster_instance")).toBe(1);
  });

  it("opens one port per engine when PostgreSQL and MySQL sit side by side", async () => {
    const plan = variant(webApiProdPlan, (p) => {
      p.databases = [db, { ...db, id: "ledger-db", engine: "mysql", engine_version: "8.4.3", read_replicas: 0 }];
    });
    const { resources } = await terraformOf(plan);
    const ingress = resources.filter((r) => r.type === "aws_vpc_security_group_ingress_rule" && r.name.startsWith("database_from_service"));
    expect(ingress.map((r) => [r.name, r.attributes.from_port])).toEqual([
      ["database_from_service_5432", 5432],
      ["database_from_service_3306", 3306],
    ]);
    expect(one(resources, "aws_db_parameter_group", "ledger_db").family).toBe("mysql8.4");
  });
});

describe("security.waf", () => {
  it("puts a regional web ACL with the AWS managed common and known-bad-input groups on the ALB", async () => {
    const plan = variant(webApiProdPlan, (p) => {
      p.security.waf = true;
    });
    const parsed = await terraformOf(plan);
    const acl = one(parsed.resources, "aws_wafv2_web_acl", "main");
    expect(acl).toMatchObject({ scope: "REGIONAL", default_action: [{ allow: [{}] }] });
    expect(acl.provider).toBeUndefined();
    const groups = (acl.rule as { statement: { managed_rule_group_statement: { name: string; vendor_name: string }[] }[] }[]).map(
      (r) => r.statement[0]?.managed_rule_group_statement[0],
    );
    expect(groups).toEqual([
      { name: "AWSManagedRulesCommonRuleSet", vendor_name: "AWS" },
      { name: "AWSManagedRulesKnownBadInputsRuleSet", vendor_name: "AWS" },
    ]);
    expect(one(parsed.resources, "aws_wafv2_web_acl_association", "alb")).toEqual({
      resource_arn: "${aws_lb.main.arn}",
      web_acl_arn: "${aws_wafv2_web_acl.main.arn}",
    });
    expectTraced(plan, parsed);
  });

  it("creates a CloudFront web ACL through the us-east-1 provider and names it on the distribution", async () => {
    const plan = variant(staticSitePlan, (p) => {
      p.security.waf = true;
    });
    expect(plan.region).toBe("us-west-2");
    const { resources, providers } = await terraformOf(plan);
    expect(one(resources, "aws_wafv2_web_acl", "main")).toMatchObject({ scope: "CLOUDFRONT", provider: "${aws.us_east_1}" });
    expect(providers.map((p) => p.attributes.region)).toEqual(["us-west-2", "us-east-1"]);
    expect(one(resources, "aws_cloudfront_distribution", "site").web_acl_id).toBe("${aws_wafv2_web_acl.main.arn}");
    expect(count(resources, "aws_wafv2_web_acl_association")).toBe(0);
  });

  it("on EKS creates the ACL for the Ingress to name (the controller owns the ALB), and on a design with no entry point none", async () => {
    const eks = variant(workerDevPlan, (p) => {
      p.security.waf = true;
      p.network.ingress = { type: "alb", public: true, tls: true };
    });
    const { resources, files } = await terraformOf(eks);
    expect(count(resources, "aws_wafv2_web_acl")).toBe(1);
    expect(count(resources, "aws_wafv2_web_acl_association")).toBe(0);
    expect(files.find((f) => f.path === "terraform/outputs.tf")?.content).toContain('output "web_acl_arn"');
    const worker = variant(workerDevPlan, (p) => {
      p.security.waf = true;
    });
    expect(count((await terraformOf(worker)).resources, "aws_wafv2_web_acl")).toBe(0);
  });
});
