import { describe, expect, it } from "vitest";
import { parseTerraform } from "../../iac/terraform.js";
import { getRegionPrices } from "../catalogue.js";
import { estimateCost } from "../estimate.js";
import { toCents } from "../money.js";

const rates = getRegionPrices("us-east-1").fargate.x86_64;

/** A scheduled Fargate task as the builder writes one; the pieces a test varies are parameters. */
function scheduledTask(o: { schedule?: string; taskCount?: number; tags?: string; rule?: string; target?: string } = {}): string {
  return `
resource "aws_ecs_cluster" "main" {
  name = "etl"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "etl"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "1024"
  memory                   = "2048"
  ${o.tags ?? 'tags = { atlas_expected_run_minutes = "20" }'}
}

resource "aws_cloudwatch_event_rule" "schedule" {
  name = "etl-runs"
  ${o.rule ?? `schedule_expression = "${o.schedule ?? "rate(1 hour)"}"`}
}

resource "aws_cloudwatch_event_target" "run_task" {
  rule = aws_cloudwatch_event_rule.schedule.name
  arn  = aws_ecs_cluster.main.arn
  ${
    o.target ??
    `ecs_target {
    task_definition_arn = aws_ecs_task_definition.app.arn
    task_count          = ${o.taskCount ?? 3}
    launch_type         = "FARGATE"
    network_configuration {
      subnets          = ["subnet-1"]
      assign_public_ip = false
    }
  }`
  }
}
`;
}

async function estimate(hcl: string) {
  const parsed = await parseTerraform([{ path: "main.tf", content: hcl }]);
  expect(parsed.errors).toEqual([]);
  return estimateCost(parsed.resources, { region: "us-east-1" });
}

const target = (e: Awaited<ReturnType<typeof estimate>>) => e.resources.find((r) => r.type === "aws_cloudwatch_event_target");
const unsupported = (e: Awaited<ReturnType<typeof estimate>>) => e.unsupported.find((r) => r.type === "aws_cloudwatch_event_target");

describe("a scheduled Fargate task priced from the Terraform", () => {
  it("bills runs per month × task_count × minutes per run × the task's vCPU and memory", async () => {
    const e = await estimate(scheduledTask());
    const priced = target(e);
    // rate(1 hour) is 730 runs in the 730-hour month; 3 tasks × 20 min each = 730 task-hours.
    const taskHours = 730 * 3 * (20 / 60);
    expect(priced?.costComponents.map((c) => c.monthlyQuantity)).toEqual([taskHours * 1, taskHours * 2]);
    expect(priced?.costComponents[0]?.name).toBe("Fargate vCPU (x86_64, scheduled: 730 runs × 20 min)");
    expect(priced?.monthlyCost).toBe((toCents(taskHours * rates.vcpuHour) + toCents(taskHours * 2 * rates.gbHour)) / 100);
    // The rule, cluster and task definition cost nothing of their own.
    expect(e.free).toEqual(expect.arrayContaining(["aws_cloudwatch_event_rule.schedule", "aws_ecs_task_definition.app"]));
    expect(e.unsupported).toEqual([]);
  });

  it("counts a daily cron at 730 / 24 runs a month", async () => {
    const e = await estimate(scheduledTask({ schedule: "cron(0 2 * * ? *)", taskCount: 1 }));
    expect(target(e)?.costComponents[0]?.monthlyQuantity).toBeCloseTo((730 / 24) * (20 / 60), 6);
  });

  it("prices a stated default run length without the tag, and says so in the cost line", async () => {
    const e = await estimate(scheduledTask({ tags: "" }));
    const line = target(e)?.costComponents[0];
    expect(line?.name).toContain("run length assumed 60 min (no atlas_expected_run_minutes tag on aws_ecs_task_definition.app)");
    expect(line?.monthlyQuantity).toBe(730 * 3 * 1);
  });

  it("flags what it cannot count rather than guessing", async () => {
    const badCron = unsupported(await estimate(scheduledTask({ schedule: "cron(0 2 1 * ? *)" })));
    expect(badCron?.reason).toContain("days of the month");
    const pattern = unsupported(await estimate(scheduledTask({ rule: 'event_pattern = jsonencode({ source = ["aws.s3"] })' })));
    expect(pattern?.reason).toContain("no schedule_expression");
    const badTag = unsupported(await estimate(scheduledTask({ tags: 'tags = { atlas_expected_run_minutes = "soon" }' })));
    expect(badTag?.reason).toContain("positive number");
  });

  it("treats a disabled rule and targets other than Fargate tasks as free", async () => {
    for (const hcl of [
      scheduledTask({ rule: 'schedule_expression = "rate(1 hour)"\n  state = "DISABLED"' }),
      scheduledTask({ target: "" }),
      scheduledTask({ target: 'ecs_target {\n    task_definition_arn = aws_ecs_task_definition.app.arn\n    launch_type = "EC2"\n  }' }),
    ]) {
      const e = await estimate(hcl);
      expect(target(e)).toBeUndefined();
      expect(e.free).toContain("aws_cloudwatch_event_target.run_task");
    }
  });
});

describe("an S3 bucket's expected storage", () => {
  it("is priced from the atlas_expected_storage_gb tag, and stays usage-based without it", async () => {
    const e = await estimate(`
resource "aws_s3_bucket" "tagged" {
  bucket = "a"
  tags   = { atlas_expected_storage_gb = "200" }
}
resource "aws_s3_bucket" "untagged" {
  bucket = "b"
}
resource "aws_s3_bucket" "merged" {
  bucket = "c"
  tags   = merge(var.tags, { x = "y" })
}
`);
    const storage = (address: string) => e.resources.find((r) => r.address === address)?.costComponents[0];
    expect(storage("aws_s3_bucket.tagged")).toMatchObject({
      monthlyQuantity: 200,
      monthlyCost: toCents(200 * getRegionPrices("us-east-1").s3.standardGbMonth) / 100,
    });
    expect(storage("aws_s3_bucket.untagged")).toMatchObject({ monthlyQuantity: null, usageBased: true });
    expect(storage("aws_s3_bucket.merged")).toMatchObject({ monthlyQuantity: null, usageBased: true });
  });
});
