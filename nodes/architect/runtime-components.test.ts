import { describe, expect, it } from "vitest";
import type { GoalStatement } from "../../schemas/goal.js";
import { componentGoal } from "../../test/fixtures/plans/components.js";
import { type PlanContext, planDeterministic } from "./engine.js";
import { cpuCores, memoryMib } from "./runtime-components.js";
import { packedNodes } from "./sizing-nodes.js";

const ctx: PlanContext = { planId: "plan-components", traceId: "trace-components", version: 1, parentVersion: null, citations: [] };

function plan(goal: GoalStatement, context: PlanContext = ctx) {
  const outcome = planDeterministic(goal, context);
  if (outcome.kind !== "plan") throw new Error(`blocked: ${outcome.reason}`);
  return outcome.plan;
}

describe("the architect with the user's component runtime definitions", () => {
  const api = componentGoal("orders-api-eks");

  it("runs a goal with components on EKS (the same goal without them runs on ECS Fargate) and copies them into the plan as written", () => {
    const { components: _components, ...withoutComponents } = api;
    expect(plan(withoutComponents as GoalStatement).compute.platform).toBe("ecs-fargate");
    const withComponents = plan(api);
    expect(withComponents.compute.platform).toBe("eks");
    expect(withComponents.runtime_components).toEqual(api.components);
  });

  it("stops BLOCKED, naming the components and the constraint, when a hard constraint rules Kubernetes out", () => {
    const outcome = planDeterministic({ ...api, constraints: ["Kubernetes is not allowed in this account"] }, ctx);
    expect(outcome.kind).toBe("blocked");
    if (outcome.kind !== "blocked") return;
    expect(outcome.reason).toContain("components (OrderService)");
    expect(outcome.reason).toContain('"Kubernetes is not allowed in this account"');
    expect(outcome.arithmetic.join("\n")).toMatch(/to unblock: drop components/);
  });

  it("stops BLOCKED for components on a static site, which runs no containers", () => {
    const outcome = planDeterministic({ ...api, workload: { type: "static-site", growth_percent_per_month: 0 } }, ctx);
    expect(outcome).toMatchObject({ kind: "blocked", reason: expect.stringContaining("static-site") });
  });

  it("sizes the nodes from the components' requests × replicas, so a bigger component costs more", () => {
    const small = plan(api);
    const [first] = api.components ?? [];
    if (!first) throw new Error("fixture has a component");
    const big = plan({ ...api, components: [{ ...first, replicas: 12, resources: { requests: { cpu: "1500m", memory: "2Gi" }, limits: { memory: "2Gi" } } }] });
    expect(big.compute.node_count ?? 0).toBeGreaterThan(small.compute.node_count ?? 0);
    expect(big.cost.monthly_total_usd).toBeGreaterThan(small.cost.monthly_total_usd);
  });

  it("plans a Secrets Manager secret for each secret_ref key, so the reference has something to read", () => {
    const planned = plan(api);
    expect(planned.security.secrets).toContainEqual({
      name: "orders-api/payment-api-token",
      purpose: 'secret_ref "payment-api-token" of component OrderService',
    });
    const scope = planned.security.iam_scopes.find((s) => s.actions.includes("secretsmanager:GetSecretValue"));
    expect(scope?.resources).toContain("orders-api/payment-api-token");
  });

  it("keeps the components through a revision", () => {
    const v1 = plan(api);
    const v2 = plan(api, { ...ctx, version: 2, parentVersion: 1, previous: v1, revisionComments: ["make it cheaper"] });
    expect(v2.version).toBe(2);
    expect(v2.runtime_components).toEqual(v1.runtime_components);
  });
});

describe("packing pods of different sizes onto nodes", () => {
  // an m6i.large: 2 vCPU and 8 GB, less what the kubelet, kube-proxy, the CNI and CoreDNS keep
  const node = { cpu: 2 * 0.9 - 0.2, memoryGb: 8 * 0.85 - 0.5 };

  it("counts nodes first-fit decreasing", () => {
    expect(packedNodes([{ count: 3, cpu: 0.5, memoryMb: 512 }], node)).toBe(1);
    expect(packedNodes([{ count: 4, cpu: 0.5, memoryMb: 512 }], node)).toBe(2);
    // 1.2 and 0.4 share a node (1.6 allocatable), the second 0.4 needs another
    expect(
      packedNodes(
        [
          { count: 2, cpu: 0.4, memoryMb: 256 },
          { count: 1, cpu: 1.2, memoryMb: 256 },
        ],
        node,
      ),
    ).toBe(2);
    // memory binds before CPU: 4 × 2 GiB of the 6.3 GB
    expect(packedNodes([{ count: 4, cpu: 0.1, memoryMb: 2048 }], node)).toBe(2);
  });

  it("answers null when one pod is bigger than a whole node", () => {
    expect(packedNodes([{ count: 1, cpu: 4, memoryMb: 512 }], node)).toBeNull();
  });

  it("reads Kubernetes quantities", () => {
    expect(cpuCores("250m")).toBe(0.25);
    expect(cpuCores("2")).toBe(2);
    expect(cpuCores(0.5)).toBe(0.5);
    expect(memoryMib("512Mi")).toBe(512);
    expect(memoryMib("2Gi")).toBe(2048);
    expect(memoryMib("1048576")).toBe(1);
  });
});
