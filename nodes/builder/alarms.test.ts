import { describe, expect, it } from "vitest";
import { staticSitePlan, webApiProdPlan, workerDevPlan } from "../../test/fixtures/plans/index.js";
import { makeContext } from "./context.js";
import { metricFor } from "./terraform/alarms.js";

const api = makeContext(webApiProdPlan);
const worker = makeContext(workerDevPlan);

describe("alert metrics", () => {
  it("reads the architect's structured names, units and statistics", () => {
    expect(metricFor(api, "AWS/ApplicationELB TargetResponseTime p95 (ms)")).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metric: "TargetResponseTime",
      statistic: "p95",
      scale: 0.001,
      dimensions: [{ LoadBalancer: { expr: "aws_lb.main.arn_suffix" } }],
    });
    expect(metricFor(api, "AWS/ApplicationELB HTTPCode_Target_5XX_Count / RequestCount (%)")).toMatchObject({
      metric: "HTTPCode_Target_5XX_Count",
      denominator: "RequestCount",
    });
    expect(metricFor(api, "AWS/RDS FreeStorageSpace (GB)")).toMatchObject({ metric: "FreeStorageSpace", statistic: "Minimum", scale: 1024 ** 3 });
    expect(metricFor(api, "AWS/RDS ReplicaLag (s)")?.dimensions).toEqual([
      { DBInstanceIdentifier: { expr: "aws_db_instance.orders_db_replica_1.identifier" } },
    ]);
    expect(metricFor(api, "AWS/ApplicationELB UnHealthyHostCount")?.dimensions[0]).toHaveProperty("TargetGroup");
  });

  it("sums a metric over every NAT gateway", () => {
    expect(metricFor(api, "AWS/NATGateway ErrorPortAllocation")).toMatchObject({
      statistic: "Sum",
      dimensions: [{}, {}, {}].map((_, i) => ({ NatGatewayId: { expr: `aws_nat_gateway.nat_${i + 1}.id` } })),
    });
  });

  it("maps free-text names by whole words", () => {
    expect(metricFor(worker, "dlq_messages_visible")).toMatchObject({
      metric: "ApproximateNumberOfMessagesVisible",
      dimensions: [{ QueueName: "invoice-worker-dev-invoices-dlq" }],
    });
    expect(metricFor(worker, "queue_oldest_message_age_seconds")).toMatchObject({
      metric: "ApproximateAgeOfOldestMessage",
      dimensions: [{ QueueName: "invoice-worker-dev-invoices" }],
    });
    expect(metricFor(api, "p95_latency_ms")).toMatchObject({ metric: "TargetResponseTime", statistic: "p95", scale: 0.001 });
    expect(metricFor(makeContext(staticSitePlan), "cloudfront_5xx_error_rate")).toMatchObject({ namespace: "AWS/CloudFront", globalService: true });
  });

  it("makes unknown names custom metrics and skips what the builder does not create", () => {
    expect(metricFor(api, "orders_placed_per_minute")).toMatchObject({ namespace: "Atlas/orders-api", metric: "orders_placed_per_minute" });
    expect(metricFor(api, "AWS/Events FailedInvocations")).toBeNull();
    // On EKS the ALB comes from the Ingress controller, so Terraform cannot name it.
    expect(metricFor(worker, "AWS/ApplicationELB UnHealthyHostCount")).toBeNull();
  });
});
