// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold Terraform interpolations, not JS templates
import { describe, expect, it } from "vitest";
import type { TerraformResource } from "../iac/types.js";
import { ec2HourlyRate, getRegionPrices, rdsHourlyRate, regionPricesSchema } from "./catalogue.js";
import { estimateCost } from "./estimate.js";
import { familyPrice, sizeFactor } from "./instance-sizes.js";

const us = getRegionPrices("us-east-1");
const eu = getRegionPrices("eu-west-1");
const cents = (usd: number) => Math.round(usd * 100) / 100;
const sumCents = (...usd: number[]) => cents(usd.reduce((total, x) => total + cents(x), 0));

function res(type: string, name: string, attributes: Record<string, unknown> = {}): TerraformResource {
  return { type, name, address: `${type}.${name}`, file: "main.tf", line: 1, attributes };
}

function estimate(resources: TerraformResource[], region = "us-east-1", usage?: Record<string, Record<string, number>>) {
  return estimateCost(resources, { region, usage });
}

const costOf = (e: ReturnType<typeof estimate>, address: string) => e.resources.find((r) => r.address === address);
const reasonOf = (e: ReturnType<typeof estimate>, address: string) => e.unsupported.find((u) => u.address === address)?.reason;
const family = (region: ReturnType<typeof getRegionPrices>, name: string) => {
  const entry = region.ec2Families?.families[name];
  if (!entry) throw new Error(`no ${name} family in ${region.region}`);
  return entry;
};

describe("instance sizes", () => {
  it("gives the normalisation factors AWS documents", () => {
    expect(["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "9xlarge", "48xlarge"].map(sizeFactor)).toEqual([
      0.25, 0.5, 1, 2, 4, 8, 16, 72, 384,
    ]);
    expect(sizeFactor("metal")).toBeUndefined();
  });

  it("prices metal like the largest size, and pinned metal like the size it names", () => {
    const families = { x: { base: "large", hour: 0.1, sizes: ["large", "24xlarge", "48xlarge", "metal-24xl", "metal"] } };
    expect(familyPrice(families, "x.metal")).toEqual({ ok: true, hour: 9.6 });
    expect(familyPrice(families, "x.metal-24xl")).toEqual({ ok: true, hour: 4.8 });
    expect(familyPrice(families, "x.xlarge")).toMatchObject({ ok: false, reason: expect.stringContaining('no size "xlarge"') });
  });
});

describe("EC2 families", () => {
  it("prices every size of a compact family in proportion to its factor", () => {
    const m5 = family(us, "m5");
    const perLarge = m5.hour;
    expect(ec2HourlyRate(us, "m5.24xlarge")).toEqual({ ok: true, hour: Number((perLarge * 48).toPrecision(10)) });
    expect(ec2HourlyRate(us, "m5.metal")).toEqual(ec2HourlyRate(us, "m5.24xlarge"));
    const e = estimate([res("aws_instance", "big", { instance_type: "r6a.48xlarge", root_block_device: [{ volume_size: 50, volume_type: "gp3" }] })]);
    const r6a = family(us, "r6a").hour;
    expect(costOf(e, "aws_instance.big")?.monthlyCost).toBe(sumCents(730 * r6a * 96, 50 * us.ebs.storageGbMonth.gp3));
  });

  it("keeps sizes a family does not have unpriced, naming the sizes it has", () => {
    const e = estimate([res("aws_instance", "tiny", { instance_type: "m5.nano" }), res("aws_instance", "p5", { instance_type: "p5.48xlarge" })]);
    expect(e.resources).toEqual([]);
    expect(reasonOf(e, "aws_instance.tiny")).toMatch(/m5 has no size "nano".*large/);
    expect(reasonOf(e, "aws_instance.p5")).toContain("us-east-1");
  });

  it("prefers the explicit table for sizes whose list price is not proportional", () => {
    // c7g.large is listed at 0.0725 although 2xlarge (the family's base) is 0.289
    expect(ec2HourlyRate(us, "c7g.large")).toEqual({ ok: true, hour: us.ec2["c7g.large"] });
    expect(ec2HourlyRate(us, "c7g.8xlarge")).toEqual({ ok: true, hour: Number((family(us, "c7g").hour * 4).toPrecision(10)) });
    const e = estimate([res("aws_instance", "gpu", { instance_type: "g5.12xlarge", root_block_device: [{ volume_size: 100 }] })]);
    expect(costOf(e, "aws_instance.gpu")?.monthlyCost).toBe(sumCents(730 * (us.ec2["g5.12xlarge"] ?? 0), 100 * us.ebs.storageGbMonth.gp2));
  });

  it("covers the previous and current generations asked for, in us-east-1 and us-west-2", () => {
    const wanted = ["t1.micro", "t2.nano", "m1.small", "m2.xlarge", "m3.medium", "m4.10xlarge", "m5zn.metal", "m5d.4xlarge", "m6gd.medium", "m6id.32xlarge"]
      .concat(["m7a.48xlarge", "m7i.metal-48xl", "m8g.24xlarge", "c1.xlarge", "c3.8xlarge", "c4.8xlarge", "c5n.18xlarge", "c6gn.16xlarge", "c8g.medium"])
      .concat(["r3.8xlarge", "r4.16xlarge", "r5b.metal", "r8g.48xlarge", "x1.32xlarge", "x1e.xlarge", "x2idn.24xlarge", "z1d.metal", "i3en.24xlarge"])
      .concat(["i4i.metal", "d2.8xlarge", "d3.4xlarge", "h1.16xlarge", "p2.16xlarge", "p3.8xlarge", "p3dn.24xlarge", "g3.16xlarge", "g4dn.metal"])
      .concat(["g4ad.16xlarge", "g6.48xlarge", "inf1.24xlarge", "inf2.48xlarge", "trn1.32xlarge"]);
    for (const region of ["us-east-1", "us-west-2"]) {
      const sheet = getRegionPrices(region);
      expect(
        wanted.filter((type) => !ec2HourlyRate(sheet, type).ok),
        region,
      ).toEqual([]);
    }
  });

  it("names the region when a family is priced elsewhere but not there", () => {
    const e = estimate([res("aws_instance", "m7i", { instance_type: "m7i.large" })], "eu-west-1");
    expect(reasonOf(e, "aws_instance.m7i")).toContain("eu-west-1");
    expect(ec2HourlyRate(eu, "m6i.32xlarge")).toEqual({ ok: true, hour: Number((family(eu, "m6i").hour * 64).toPrecision(10)) });
  });

  it("still parses a sheet without the added sections, and leaves their items unpriced with a reason", () => {
    const { ec2Families, rdsClasses, rdsStorage, elasticacheNodes, gwlb, ebsMore, cloudwatchMore, ...bare } = us;
    const sheet = regionPricesSchema.parse(bare);
    expect(ec2HourlyRate(sheet, "m5.24xlarge")).toMatchObject({ ok: false, reason: expect.stringContaining("us-east-1") });
    expect(rdsHourlyRate(sheet, "mysql", "db.m5.24xlarge")).toMatchObject({ ok: false });
    expect([ec2Families, rdsClasses, rdsStorage, elasticacheNodes, gwlb, ebsMore, cloudwatchMore].every(Boolean)).toBe(true);
  });
});

describe("RDS engines, classes and storage", () => {
  it("prices MariaDB at MySQL's rate, on a class from the family table", () => {
    const e = estimate([res("aws_db_instance", "maria", { engine: "mariadb", instance_class: "db.m5.8xlarge", allocated_storage: 100 })]);
    const hour = rdsHourlyRate(us, "mysql", "db.m5.8xlarge");
    expect(hour).toEqual({ ok: true, hour: Number((us.rds.mysql["db.m5.large"] ?? 0) * 16) });
    expect(costOf(e, "aws_db_instance.maria")?.monthlyCost).toBe(sumCents(730 * (hour.ok ? hour.hour : 0), 100 * us.rds.storageGbMonth.gp2));
    expect(costOf(e, "aws_db_instance.maria")?.costComponents[0]?.name).toContain("mariadb, at MySQL rates");
  });

  it("prices an Aurora engine on aws_db_instance from the Aurora table, storage left to the cluster", () => {
    const e = estimate([
      res("aws_db_instance", "writer", { engine: "aurora-postgresql", instance_class: "db.r6g.4xlarge", cluster_identifier: "${aws_rds_cluster.main.id}" }),
      res("aws_db_instance", "small", { engine: "aurora-mysql", instance_class: "db.t3.medium" }),
    ]);
    const r6g = us.rdsClasses?.families.aurora?.["db.r6g"];
    expect(costOf(e, "aws_db_instance.writer")?.monthlyCost).toBe(cents(730 * (r6g?.hour ?? 0) * 4));
    expect(costOf(e, "aws_db_instance.small")?.monthlyCost).toBe(cents(730 * (us.aurora.instances["db.t3.medium"] ?? 0)));
    expect(costOf(e, "aws_db_instance.writer")?.costComponents).toHaveLength(1);
  });

  it("bills io1 below the 1,000 IOPS minimum at the minimum, and says so", () => {
    const e = estimate([
      res("aws_db_instance", "low", { engine: "postgres", instance_class: "db.t3.micro", allocated_storage: 100, storage_type: "io1", iops: 500 }),
    ]);
    const iops = costOf(e, "aws_db_instance.low")?.costComponents.find((c) => c.name.startsWith("Provisioned IOPS"));
    expect(iops?.name).toContain("AWS minimum 1,000 billed; 500 requested");
    expect(iops?.monthlyCost).toBe(cents(1000 * us.rds.io1IopsMonth));
  });

  it("prices io2 storage and IOPS, and magnetic storage with its I/O as usage", () => {
    const more = us.rdsStorage;
    if (!more) throw new Error("no rdsStorage in us-east-1");
    const e = estimate(
      [
        res("aws_db_instance", "io2", {
          engine: "mysql",
          instance_class: "db.r5.large",
          allocated_storage: 200,
          storage_type: "io2",
          iops: 3000,
          multi_az: true,
        }),
        res("aws_db_instance", "mag", { engine: "postgres", instance_class: "db.t2.micro", allocated_storage: 20, storage_type: "standard" }),
      ],
      "us-east-1",
      { "aws_db_instance.mag": { monthly_standard_io_requests: 5_000_000 } },
    );
    const io2 = costOf(e, "aws_db_instance.io2");
    expect(io2?.monthlyCost).toBe(sumCents(2 * 730 * (us.rds.mysql["db.r5.large"] ?? 0), 2 * 200 * more.io2GbMonth, 2 * 3000 * more.io2IopsMonth));
    const mag = costOf(e, "aws_db_instance.mag");
    const pgT2 = us.rdsClasses?.tables.postgres?.["db.t2.micro"] ?? 0;
    expect(mag?.monthlyCost).toBe(sumCents(730 * pgT2, 20 * more.magneticGbMonth, 5 * more.magneticIoPerMillion));
  });

  it("prices Oracle by license model and SQL Server license-included, naming the classes still missing", () => {
    const tables = us.rdsClasses?.tables ?? {};
    const e = estimate([
      res("aws_db_instance", "ee", { engine: "oracle-ee", instance_class: "db.m5.large", allocated_storage: 50 }),
      res("aws_db_instance", "se2byol", { engine: "oracle-se2-cdb", license_model: "bring-your-own-license", instance_class: "db.t3.large" }),
      res("aws_db_instance", "se2li", { engine: "oracle-se2", license_model: "license-included", instance_class: "db.t3.large" }),
      res("aws_db_instance", "se2", { engine: "oracle-se2", instance_class: "db.t3.large" }),
      res("aws_db_instance", "eeli", { engine: "oracle-ee", license_model: "license-included", instance_class: "db.t3.large" }),
      res("aws_db_instance", "ex", { engine: "sqlserver-ex", instance_class: "db.t3.large" }),
      res("aws_db_instance", "web", { engine: "sqlserver-web", instance_class: "db.t3.large" }),
      res("aws_db_instance", "se", { engine: "sqlserver-se", instance_class: "db.m5.xlarge", multi_az: true }),
      res("aws_db_instance", "ee16", { engine: "sqlserver-ee", instance_class: "db.m5.xlarge" }),
      res("aws_db_instance", "se_big", { engine: "sqlserver-se", instance_class: "db.r5.8xlarge" }),
    ]);
    const hour = (key: keyof typeof tables, cls: string) => tables[key]?.[cls] ?? Number.NaN;
    expect(costOf(e, "aws_db_instance.ee")?.monthlyCost).toBe(sumCents(730 * hour("oracle-byol", "db.m5.large"), 50 * us.rds.storageGbMonth.gp2));
    // BYOL is billed at the base (no-license) rate: MySQL's for the same class
    expect(hour("oracle-byol", "db.t3.large")).toBe(us.rds.mysql["db.t3.large"]);
    expect(costOf(e, "aws_db_instance.se2byol")?.monthlyCost).toBe(cents(730 * hour("oracle-byol", "db.t3.large")));
    expect(costOf(e, "aws_db_instance.se2li")?.monthlyCost).toBe(cents(730 * hour("oracle-se2-li", "db.t3.large")));
    expect(costOf(e, "aws_db_instance.ex")?.monthlyCost).toBe(cents(730 * hour("sqlserver-ex-li", "db.t3.large")));
    expect(costOf(e, "aws_db_instance.web")?.monthlyCost).toBe(cents(730 * hour("sqlserver-web-li", "db.t3.large")));
    expect(costOf(e, "aws_db_instance.se")?.monthlyCost).toBe(cents(2 * 730 * hour("sqlserver-se-li", "db.m5.xlarge")));
    expect(costOf(e, "aws_db_instance.ee16")?.monthlyCost).toBe(cents(730 * hour("sqlserver-ee-li", "db.m5.xlarge")));
    expect(reasonOf(e, "aws_db_instance.se2")).toContain("without license_model");
    expect(reasonOf(e, "aws_db_instance.eeli")).toContain("not offered");
    expect(reasonOf(e, "aws_db_instance.se_big")).toMatch(/sqlserver-se-li.*db\.r5\.8xlarge.*us-east-1/);
  });
});

describe("ElastiCache node types", () => {
  it("prices older and larger node types, and leaves unlisted ones unpriced", () => {
    const nodes = us.elasticacheNodes?.nodes ?? {};
    const e = estimate([
      res("aws_elasticache_cluster", "m4", { node_type: "cache.m4.large", num_cache_nodes: 2 }),
      res("aws_elasticache_replication_group", "r4", { node_type: "cache.r4.xlarge", num_cache_clusters: 3 }),
      res("aws_elasticache_cluster", "t2", { node_type: "cache.t2.micro", engine: "memcached" }),
      res("aws_elasticache_cluster", "m2", { node_type: "cache.m2.xlarge" }),
    ]);
    expect(costOf(e, "aws_elasticache_cluster.m4")?.monthlyCost).toBe(cents(2 * 730 * (nodes["cache.m4.large"] ?? 0)));
    expect(costOf(e, "aws_elasticache_replication_group.r4")?.monthlyCost).toBe(cents(3 * 730 * (nodes["cache.r4.xlarge"] ?? 0)));
    expect(costOf(e, "aws_elasticache_cluster.t2")?.monthlyCost).toBe(cents(730 * (nodes["cache.t2.micro"] ?? 0)));
    expect(reasonOf(e, "aws_elasticache_cluster.m2")).toContain("cache.m2.xlarge");
  });
});

describe("EBS volumes and instance extras", () => {
  const more = us.ebsMore;
  if (!more) throw new Error("no ebsMore in us-east-1");

  it("bills io2 IOPS in AWS's three tiers", () => {
    const e = estimate([res("aws_ebs_volume", "fast", { type: "io2", size: 500, iops: 70_000 })]);
    const t = more.io2IopsMonth;
    expect(costOf(e, "aws_ebs_volume.fast")?.monthlyCost).toBe(
      sumCents(500 * more.io2GbMonth, 32_000 * t.upTo32000, 32_000 * t.upTo64000, 6_000 * t.above64000),
    );
  });

  it("prices magnetic volumes, with I/O requests as usage", () => {
    const e = estimate([res("aws_ebs_volume", "old", { type: "standard", size: 100 })], "us-east-1", {
      "aws_ebs_volume.old": { monthly_standard_io_requests: 20_000_000 },
    });
    expect(costOf(e, "aws_ebs_volume.old")?.monthlyCost).toBe(sumCents(100 * more.standardGbMonth, 20 * more.standardIoPerMillion));
  });

  it("assumes an 8 GB gp2 root volume when the Terraform does not size one, and says so", () => {
    const e = estimate([
      res("aws_instance", "plain", { instance_type: "t3.micro" }),
      res("aws_instance", "sized", { instance_type: "t3.micro", root_block_device: [{ volume_size: 30, volume_type: "gp3" }] }),
    ]);
    const plain = costOf(e, "aws_instance.plain");
    const root = plain?.costComponents.find((c) => c.name.startsWith("EBS storage"));
    expect(root?.name).toContain("assumed 8 GB");
    expect(plain?.monthlyCost).toBe(sumCents(730 * 0.0104, 8 * us.ebs.storageGbMonth.gp2));
    expect(costOf(e, "aws_instance.sized")?.monthlyCost).toBe(sumCents(730 * 0.0104, 30 * us.ebs.storageGbMonth.gp3));
  });

  it("prices detailed monitoring as 7 custom metrics per instance, on instances and launch templates", () => {
    const metric = us.cloudwatchMore?.metricMonth ?? 0;
    const e = estimate([
      res("aws_instance", "watched", { instance_type: "t3.micro", monitoring: true, root_block_device: [{ volume_size: 8 }] }),
      res("aws_launch_template", "lt", {
        instance_type: "m5.large",
        monitoring: [{ enabled: true }],
        block_device_mappings: [{ device_name: "/dev/xvda", ebs: [{ volume_size: 20, volume_type: "gp3" }] }],
      }),
      res("aws_autoscaling_group", "asg", { desired_capacity: 3, launch_template: [{ id: "${aws_launch_template.lt.id}" }] }),
    ]);
    expect(costOf(e, "aws_instance.watched")?.monthlyCost).toBe(sumCents(730 * 0.0104, 8 * us.ebs.storageGbMonth.gp2, 7 * metric));
    expect(costOf(e, "aws_autoscaling_group.asg")?.monthlyCost).toBe(sumCents(3 * 730 * 0.096, 3 * 20 * us.ebs.storageGbMonth.gp3, 3 * 7 * metric));
  });
});

describe("VPC endpoints and Gateway Load Balancers", () => {
  const gw = us.gwlb;
  if (!gw) throw new Error("no gwlb in us-east-1");

  it("bills an interface endpoint per subnet (one per zone) and a GWLB endpoint per endpoint-hour", () => {
    const e = estimate([
      res("aws_vpc_endpoint", "ecr", { vpc_endpoint_type: "Interface", subnet_ids: ["a", "b", "c"] }),
      res("aws_vpc_endpoint", "inspect", { vpc_endpoint_type: "GatewayLoadBalancer", subnet_ids: ["a"] }),
    ]);
    expect(costOf(e, "aws_vpc_endpoint.ecr")?.monthlyCost).toBe(cents(3 * 730 * us.vpcEndpoint.interfaceAzHour));
    expect(costOf(e, "aws_vpc_endpoint.inspect")?.monthlyCost).toBe(cents(730 * gw.endpointHour));
  });

  it("prices a gateway load balancer per hour, GLCUs as usage; unpriced where the sheet lacks it", () => {
    const lb = res("aws_lb", "gwlb", { load_balancer_type: "gateway" });
    const e = estimate([lb], "us-east-1", { "aws_lb.gwlb": { monthly_glcu_hours: 1000 } });
    expect(costOf(e, "aws_lb.gwlb")?.monthlyCost).toBe(sumCents(730 * gw.hour, 1000 * gw.glcuHour));
    expect(reasonOf(estimate([lb], "eu-west-1"), "aws_lb.gwlb")).toMatch(/Gateway Load Balancer.*eu-west-1/);
  });
});

describe("ECS capacity from the cluster's default strategy", () => {
  it("places tasks of a service without launch_type by the cluster's own default strategy, Spot included", () => {
    const e = estimate([
      res("aws_ecs_cluster", "main", {
        default_capacity_provider_strategy: [
          { capacity_provider: "FARGATE", weight: 1, base: 1 },
          { capacity_provider: "FARGATE_SPOT", weight: 1 },
        ],
      }),
      res("aws_ecs_task_definition", "app", { family: "app", cpu: "1024", memory: "2048" }),
      res("aws_ecs_service", "app", { cluster: "${aws_ecs_cluster.main.id}", task_definition: "${aws_ecs_task_definition.app.arn}", desired_count: 5 }),
    ]);
    // base 1 on FARGATE, the other 4 split 1:1 → 3 on-demand, 2 Spot
    const od = us.fargate.x86_64;
    const spot = us.fargate.spot.x86_64;
    expect(costOf(e, "aws_ecs_service.app")?.monthlyCost).toBe(
      sumCents(3 * 730 * od.vcpuHour, 3 * 2 * 730 * od.gbHour, 2 * 730 * spot.vcpuHour, 2 * 2 * 730 * spot.gbHour),
    );
  });
});

describe("CloudWatch alarms", () => {
  const alarm = us.cloudwatch.alarmMonth;

  it("bills anomaly detection as 3 alarm metrics and metric math per metric read", () => {
    const metric = (id: string, period = 300) => ({ id, metric: [{ metric_name: "CPUUtilization", namespace: "AWS/EC2", period, stat: "Average" }] });
    const e = estimate([
      res("aws_cloudwatch_metric_alarm", "anomaly", {
        threshold_metric_id: "band",
        metric_query: [metric("m1"), { id: "band", expression: "ANOMALY_DETECTION_BAND(m1, 2)" }],
      }),
      res("aws_cloudwatch_metric_alarm", "math", { metric_query: [metric("a"), metric("b"), { id: "sum", expression: "a+b", return_data: true }] }),
      res("aws_cloudwatch_metric_alarm", "fast", { metric_query: [metric("a", 10), metric("b", 10), { id: "e", expression: "a/b" }] }),
      res("aws_cloudwatch_composite_alarm", "both", { alarm_rule: "ALARM(a) AND ALARM(b)" }),
    ]);
    expect(costOf(e, "aws_cloudwatch_metric_alarm.anomaly")?.monthlyCost).toBe(cents(3 * alarm));
    expect(costOf(e, "aws_cloudwatch_metric_alarm.math")?.monthlyCost).toBe(cents(2 * alarm));
    expect(costOf(e, "aws_cloudwatch_metric_alarm.fast")?.monthlyCost).toBe(cents(2 * us.cloudwatch.highResAlarmMonth));
    expect(costOf(e, "aws_cloudwatch_composite_alarm.both")?.monthlyCost).toBe(us.cloudwatchMore?.compositeAlarmMonth);
  });
});
