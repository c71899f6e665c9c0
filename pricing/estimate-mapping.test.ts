// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold Terraform interpolations, not JS templates
import { describe, expect, it } from "vitest";
import type { TerraformResource } from "../iac/types.js";
import { estimateCost } from "./estimate.js";

const cents = (usd: number) => Math.round(usd * 100) / 100;

function res(type: string, name: string, attributes: Record<string, unknown> = {}, prefix = ""): TerraformResource {
  return { type, name, address: `${prefix}${type}.${name}`, file: "main.tf", line: 1, attributes };
}

const find = (estimate: ReturnType<typeof estimateCost>, address: string) => estimate.resources.find((r) => r.address === address);

describe("estimateCost on awkward input", () => {
  it("lists what it cannot price as unsupported, with a reason, without failing", () => {
    const result = estimateCost(
      [
        res("aws_instance", "odd", { instance_type: "u-6tb1.112xlarge" }),
        res("aws_instance", "templated", { instance_type: "${var.instance_type}" }),
        res("aws_route53_zone", "main", {}),
        res("aws_ecs_service", "orphan", { launch_type: "FARGATE", desired_count: 1, task_definition: "${aws_ecs_task_definition.gone.arn}" }),
        res("aws_db_instance", "oracle", { engine: "db2-se", instance_class: "db.m5.large" }),
        res("aws_instance", "ok", { instance_type: "t3.micro" }),
      ],
      { region: "us-east-1" },
    );
    expect(result.resources.map((r) => r.address)).toEqual(["aws_instance.ok"]);
    expect(result.unsupported.map((u) => u.address)).toEqual([
      "aws_db_instance.oracle",
      "aws_ecs_service.orphan",
      "aws_instance.odd",
      "aws_instance.templated",
      "aws_route53_zone.main",
    ]);
    const reason = (address: string) => result.unsupported.find((u) => u.address === address)?.reason;
    expect(reason("aws_instance.odd")).toContain("u-6tb1.112xlarge");
    expect(reason("aws_instance.templated")).toContain("${var.instance_type}");
    expect(reason("aws_route53_zone.main")).toContain("no price mapping");
    expect(reason("aws_ecs_service.orphan")).toContain("task definition");
    expect(reason("aws_db_instance.oracle")).toContain("db2-se");
    // t3.micro and its assumed 8 GB gp2 root volume
    expect(result.totalMonthlyCost).toBe(cents(cents(730 * 0.0104) + cents(8 * 0.1)));
  });

  it("resolves the only task definition, a family name, and references inside a module", () => {
    const single = estimateCost(
      [
        res("aws_ecs_task_definition", "only", { cpu: "1 vCPU", memory: "2 GB", runtime_platform: [{ cpu_architecture: "ARM64" }] }),
        res("aws_ecs_service", "svc", { capacity_provider_strategy: [{ capacity_provider: "FARGATE" }], desired_count: 1 }),
      ],
      { region: "us-east-1" },
    );
    expect(find(single, "aws_ecs_service.svc")?.monthlyCost).toBe(cents(730 * 0.03238) + cents(2 * 730 * 0.00356));

    const byFamily = estimateCost(
      [
        res("aws_ecs_task_definition", "a", { family: "a", cpu: "256", memory: "512" }),
        res("aws_ecs_task_definition", "b", { family: "b", cpu: "1024", memory: "2048" }),
        res("aws_ecs_service", "svc", { launch_type: "FARGATE", desired_count: 1, task_definition: "b:3" }),
      ],
      { region: "us-east-1" },
    );
    expect(find(byFamily, "aws_ecs_service.svc")?.costComponents[0]?.hourlyQuantity).toBe(1);

    const inModule = estimateCost(
      [
        res("aws_launch_template", "lt", { instance_type: "t3.large" }, "module.app."),
        res("aws_launch_template", "lt", { instance_type: "m5.4xlarge" }),
        res("aws_autoscaling_group", "asg", { min_size: 2, launch_template: [{ id: "${aws_launch_template.lt.id}" }] }, "module.app."),
      ],
      { region: "us-east-1" },
    );
    expect(find(inModule, "module.app.aws_autoscaling_group.asg")?.monthlyCost).toBe(cents(cents(2 * 730 * 0.0832) + cents(2 * 8 * 0.1)));
  });

  it("treats EC2-backed ECS services as free and counts literal for_each sets", () => {
    const result = estimateCost(
      [
        res("aws_ecs_service", "ec2", { launch_type: "EC2", desired_count: 5 }),
        res("aws_secretsmanager_secret", "per_env", { for_each: '${toset(["dev", "prod", "dev"])}' }),
        res("aws_kms_key", "dynamic", { for_each: "${var.keys}" }),
      ],
      { region: "us-east-1" },
    );
    expect(result.free).toEqual(["aws_ecs_service.ec2"]);
    expect(find(result, "aws_secretsmanager_secret.per_env")?.monthlyCost).toBe(0.8);
    expect(result.unsupported[0]?.reason).toContain("only known at plan time");
  });

  it("reads node groups and auto scaling groups through their launch templates", () => {
    const result = estimateCost(
      [
        res("aws_launch_template", "nodes", {
          instance_type: "r7g.large",
          block_device_mappings: [{ device_name: "/dev/xvda", ebs: [{ volume_size: 40, volume_type: "gp3" }] }],
        }),
        res("aws_eks_node_group", "lt", {
          scaling_config: [{ desired_size: 2 }],
          launch_template: [{ name: "${aws_launch_template.nodes.name}", version: "1" }],
        }),
        res("aws_autoscaling_group", "mixed", {
          desired_capacity: 3,
          mixed_instances_policy: [
            {
              launch_template: [
                { launch_template_specification: [{ launch_template_id: "${aws_launch_template.nodes.id}" }], override: [{ instance_type: "t3a.large" }] },
              ],
            },
          ],
        }),
        res("aws_eks_node_group", "spot", { capacity_type: "SPOT", scaling_config: [{ desired_size: 2 }] }),
        res("aws_eks_node_group", "vars", { instance_types: "${var.types}", scaling_config: [{ desired_size: 2 }] }),
        res("aws_eks_node_group", "big", { instance_types: ["p4d.24xlarge"], scaling_config: [{ desired_size: 1 }] }),
      ],
      { region: "us-east-1" },
    );
    expect(find(result, "aws_eks_node_group.lt")?.monthlyCost).toBe(cents(2 * 730 * 0.1071) + cents(2 * 40 * 0.08));
    expect(find(result, "aws_autoscaling_group.mixed")?.monthlyCost).toBe(cents(3 * 730 * 0.0752) + cents(3 * 40 * 0.08));
    expect(result.unsupported.map((u) => [u.address, u.reason])).toEqual([
      ["aws_eks_node_group.big", expect.stringContaining("p4d.24xlarge")],
      ["aws_eks_node_group.spot", expect.stringContaining("Spot")],
      ["aws_eks_node_group.vars", expect.stringContaining("${var.types}")],
    ]);
  });
});
