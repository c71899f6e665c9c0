import { describe, expect, it } from "vitest";
import { type ComponentRuntime, componentListSchema, componentRuntimeSchema, kubernetesName } from "./component.js";

const orderService = {
  name: "OrderService",
  type: "microservice",
  transport: "http",
  replicas: 2,
  container_image: "ghcr.io/example/orderservice:1.0.0",
  env: [
    { name: "ORDER_QUEUE", value: "queue.order.processing" },
    { name: "DB_PASSWORD", secret_ref: { key: "db-password" } },
  ],
  ports: [{ name: "http", port: 80, target_port: 8080 }],
  probes: { readiness: { http_get: { path: "/ready", port: "http" } }, liveness: { tcp_socket: { port: 8080 }, period_seconds: 10 } },
  resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
  blueprint_id: "usecase-order-create",
  component_scope: "Ordering",
};

/** The example without its transport. */
function noTransportService() {
  const { transport: _transport, ...rest } = orderService;
  return rest;
}

/** The issues' paths and messages, for a value the schema refuses. */
function issues(value: unknown): string[] {
  const result = componentRuntimeSchema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("component runtime definitions", () => {
  it("accepts the specification's example as written, with its values kept", () => {
    const parsed = componentRuntimeSchema.parse(orderService);
    expect(parsed.ports[0]).toEqual({ name: "http", port: 80, target_port: 8080 });
    expect(parsed.env[1]).toEqual({ name: "DB_PASSWORD", secret_ref: { key: "db-password" } });
    expect(parsed.replicas).toBe(2);
  });

  it("names the path of each missing required field", () => {
    const { container_image: _image, resources: _resources, ...rest } = orderService;
    const found = issues(rest);
    expect(found.some((line) => line.startsWith("container_image:"))).toBe(true);
    expect(found.some((line) => line.startsWith("resources:"))).toBe(true);
  });

  it("refuses what cannot be rendered as written", () => {
    expect(issues({ ...orderService, container_image: "ghcr.io/example/orderservice:latest" })).toEqual([
      "container_image: a pinned image: a version tag or a digest, not :latest",
    ]);
    expect(issues({ ...orderService, container_image: "ghcr.io/example/orderservice" })[0]).toMatch(/^container_image: an image reference/);
    expect(issues({ ...noTransportService() })).toEqual(["transport: a microservice needs its transport: http or grpc"]);
    expect(issues({ ...orderService, ports: [] })).toEqual(["ports: a microservice needs at least one port"]);
    expect(issues({ ...orderService, ports: [orderService.ports[0], { name: "http", port: 81 }] })).toEqual(['ports.1.name: port name "http" is used twice']);
    // a worker has no transport: the field is refused by name
    expect(issues({ ...orderService, type: "worker" })).toEqual([': Unrecognized key: "transport"']);
    const { transport: _transport, ...noTransport } = orderService;
    expect(issues({ ...noTransport, type: "job" })).toEqual(["schedule: a job needs its schedule (cron, UTC)"]);
    expect(issues({ ...orderService, type: "robot" })[0]).toMatch(/^type: /);
    expect(issues({ ...orderService, env: [{ name: "X", value: "1", secret_ref: { key: "k" } }] }).length).toBeGreaterThan(0);
    expect(issues({ ...orderService, resources: { requests: { cpu: "a lot", memory: "256Mi" }, limits: { memory: "512Mi" } } })[0]).toMatch(
      /^resources\.requests\.cpu: /,
    );
    expect(issues({ ...orderService, probes: { readiness: { http_get: { path: "/ready", port: 80 }, grpc: { port: 80 } } } }).length).toBeGreaterThan(0);
  });

  it("accepts a worker and a job with their own fields", () => {
    const { transport: _transport, ...rest } = orderService;
    const worker = { ...rest, name: "billing_worker", type: "worker", ports: [] };
    expect(componentRuntimeSchema.parse(worker).type).toBe("worker");
    const job = { ...worker, name: "NightlyReport", type: "job", schedule: "0 2 * * *" };
    expect((componentRuntimeSchema.parse(job) as ComponentRuntime).schedule).toBe("0 2 * * *");
  });

  it("derives Kubernetes names and refuses two components that would share one", () => {
    expect(kubernetesName("OrderService")).toBe("order-service");
    expect(kubernetesName("billing_worker")).toBe("billing-worker");
    const twin = { ...orderService, name: "order_service" };
    const result = componentListSchema.safeParse([orderService, twin]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["1.name"]);
  });
});
