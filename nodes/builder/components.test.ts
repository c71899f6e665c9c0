import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { validateIac } from "../../policies/engine.js";
import { estimateCost } from "../../pricing/index.js";
import type { ComponentRuntime } from "../../schemas/component.js";
import { componentRuntimeSchema } from "../../schemas/component.js";
import { type PlanSpec, planSpecSchema } from "../../schemas/plan.js";
import { componentGoal, componentPlans, invoiceWorkerPlan, orderEventsGrpcPlan, ordersApiComponentsPlan } from "../../test/fixtures/plans/components.js";
import { byKindAndName, chartObjects, overlayObjects, withoutHelmBookkeeping } from "../../test/helpers/builder-output.js";
import { makeTmpDir, removeTmpDir } from "../../test/helpers/tmp.js";
import { renderArtifacts } from "./engine.js";
import { DELIVERY_ENVIRONMENTS, DELIVERY_PATHS } from "./environments.js";

const hasKubectl = spawnSync("kubectl", ["version", "--client"], { stdio: "ignore" }).status === 0;

// biome-ignore lint/suspicious/noExplicitAny: test-only access into parsed YAML
type Obj = Record<string, any>;

/** The goal files the three designs were planned from: what the user wrote, the source of truth for "verbatim". */
const goals: Record<string, ComponentRuntime[]> = {
  "orders-api-eks": componentGoal("orders-api-eks").components ?? [],
  "order-events-grpc": componentGoal("order-events-grpc").components ?? [],
  "invoice-worker": componentGoal("invoice-worker").components ?? [],
};

const find = (objects: Obj[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as Obj;
const podOf = (workload: Obj) => (workload.kind === "CronJob" ? workload.spec.jobTemplate.spec.template : workload.spec.template);
const containerOf = (workload: Obj) => podOf(workload).spec.containers[0];
const envValue = (container: Obj, name: string) => container.env.find((e: Obj) => e.name === name);

describe("the user's components, rendered as their own workloads", () => {
  for (const [design, plan] of Object.entries(componentPlans)) {
    describe(design, () => {
      for (const env of DELIVERY_ENVIRONMENTS) {
        it(`${env}: the Kustomize overlay and the Helm chart render the same objects`, () => {
          const fromOverlay = overlayObjects(plan, env);
          const namespace = `${plan.goal_name}-${env}`;
          expect(fromOverlay.find((o) => o.kind === "Namespace")?.metadata.name).toBe(namespace);
          const fromChart = byKindAndName(chartObjects(plan, env, namespace, { namespace: { create: true } }).map(withoutHelmBookkeeping));
          const expected = byKindAndName(fromOverlay);
          expect([...fromChart.keys()].sort()).toEqual([...expected.keys()].sort());
          for (const [key, object] of expected) expect(fromChart.get(key), `${env} ${key}`).toEqual(object);
        });
      }

      it("renders every component with its image, ports, probes and resources exactly as the goal wrote them, in every environment", () => {
        for (const env of DELIVERY_ENVIRONMENTS) {
          const objects = overlayObjects(plan, env);
          for (const written of goals[design] ?? []) {
            const name = written.name
              .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
              .replace(/_/g, "-")
              .toLowerCase();
            const workload = find(objects, written.type === "job" ? "CronJob" : "Deployment", name);
            expect(workload, `${env} ${name}`).toBeDefined();
            const container = containerOf(workload);
            expect(container.image).toBe(written.container_image);
            expect(container.resources).toEqual(written.resources);
            expect(container.ports ?? []).toEqual(written.ports.map((p) => ({ name: p.name, containerPort: p.target_port ?? p.port, protocol: "TCP" })));
            const probes = written.probes ?? {};
            for (const [field, probe] of [
              ["livenessProbe", probes.liveness],
              ["readinessProbe", probes.readiness],
              ["startupProbe", probes.startup],
            ] as const) {
              if (!probe) {
                expect(container[field], `${name} invents no ${field}`).toBeUndefined();
                continue;
              }
              const rendered = container[field];
              if ("http_get" in probe) expect(rendered.httpGet).toEqual(probe.http_get);
              if ("grpc" in probe) expect(rendered.grpc).toEqual(probe.grpc);
              if ("tcp_socket" in probe) expect(rendered.tcpSocket).toEqual(probe.tcp_socket);
              expect(rendered.periodSeconds).toBe(probe.period_seconds);
              expect(rendered.initialDelaySeconds).toBe(probe.initial_delay_seconds);
              expect(rendered.timeoutSeconds).toBe(probe.timeout_seconds);
              expect(rendered.failureThreshold).toBe(probe.failure_threshold);
            }
            for (const variable of written.env) {
              const rendered = envValue(container, variable.name);
              if ("value" in variable) expect(rendered).toEqual({ name: variable.name, value: variable.value });
              else expect(rendered.valueFrom.secretKeyRef.key).toBe(variable.secret_ref.key);
            }
            expect(envValue(container, "OTEL_SERVICE_NAME").value).toBe(written.name);
            expect(workload.metadata.labels["atlas.dev/blueprint-id"]).toBe(written.blueprint_id);
            expect(workload.metadata.labels["atlas.dev/component-scope"]).toBe(written.component_scope);
            expect(workload.metadata.annotations["atlas.dev/blueprint-id"]).toBe(written.blueprint_id);
            expect(workload.metadata.labels["atlas.dev/trace-id"]).toBe(plan.trace_id);
            expect(envValue(container, "OTEL_RESOURCE_ATTRIBUTES").value).toContain(`blueprint_id=${written.blueprint_id}`);
            expect(podOf(workload).spec.serviceAccountName).toBe(name);
            expect(find(objects, "ServiceAccount", name)).toBeDefined();
            expect(find(objects, "RoleBinding", name).subjects).toEqual([{ kind: "ServiceAccount", name, namespace: `${plan.goal_name}-${env}` }]);
            expect(find(objects, "NetworkPolicy", name).spec.podSelector.matchLabels["atlas.dev/component"]).toBe(name);
          }
          // the goal-named workload is replaced, not kept beside the components: one workload per component, each with its selector
          const workloads = objects.filter((o) => o.kind === "Deployment" || o.kind === "CronJob");
          expect(workloads.length).toBe(goals[design]?.length);
          for (const w of workloads) expect(w.metadata.labels["atlas.dev/component"]).toBe(w.metadata.name);
        }
      });

      it("puts no secret value in any file: secret_ref keys come from the Secret the ExternalSecret writes", () => {
        const files = renderArtifacts(plan).files.filter((f) => f.kind === "kubernetes" || f.kind === "helm");
        expect(files.some((f) => /^kind: Secret$/m.test(f.content))).toBe(false);
        const objects = overlayObjects(plan, "qa");
        const external = find(objects, "ExternalSecret", plan.goal_name);
        for (const written of goals[design] ?? []) {
          for (const variable of written.env) {
            if (!("secret_ref" in variable)) continue;
            const entry = external.spec.data.find((d: Obj) => d.secretKey === variable.secret_ref.key);
            expect(entry.remoteRef.key).toBe(`${plan.goal_name}-qa/${plan.goal_name}-${variable.secret_ref.key}`);
            expect(plan.security.secrets.map((s) => s.name)).toContain(`${plan.goal_name}/${variable.secret_ref.key}`);
          }
        }
      });

      it("passes the validator with no high or critical finding, and prices within the plan's budget", async () => {
        const files = renderArtifacts(plan)
          .files.filter((f) => f.kind === "terraform" || f.kind === "kubernetes")
          .map(({ path, content }) => ({ path, content }));
        const report = await validateIac(files, { environment: plan.environment });
        expect(report.findings.filter((f) => f.severity === "high" || f.severity === "critical")).toEqual([]);
        expect(report.status).toBe("PASS");
        expect(report.findings.filter((f) => f.rule_id === "IAC_PARSE_ERROR" || f.rule_id === "K8S_SCHEMA")).toEqual([]);
        expect(estimateCost(report.resources, { region: plan.region }).totalMonthlyCost).toBeLessThanOrEqual(plan.cost.budget_usd);
      });

      it.skipIf(!hasKubectl)("`kubectl kustomize` builds every overlay into exactly the objects the test harness builds", () => {
        const root = makeTmpDir("atlas-components-");
        try {
          for (const file of renderArtifacts(plan).files) {
            mkdirSync(dirname(join(root, file.path)), { recursive: true });
            writeFileSync(join(root, file.path), file.content);
          }
          for (const env of DELIVERY_ENVIRONMENTS) {
            const built = execFileSync("kubectl", ["kustomize", join(root, DELIVERY_PATHS.overlay(env))], { encoding: "utf8" });
            const real = byKindAndName(parseAllDocuments(built).map((d) => d.toJS() as Obj));
            const harness = byKindAndName(overlayObjects(plan, env));
            expect([...harness.keys()].sort(), env).toEqual([...real.keys()].sort());
            for (const [key, object] of real) expect(harness.get(key), `${env} ${key}`).toEqual(object);
          }
        } finally {
          removeTmpDir(root);
        }
      });

      it("binds each component's service account to the workload role in Terraform", () => {
        const compute = renderArtifacts(plan).files.find((f) => f.path === "terraform/compute.tf")?.content ?? "";
        for (const written of goals[design] ?? []) {
          const name = written.name
            .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
            .replace(/_/g, "-")
            .toLowerCase();
          expect(compute).toMatch(new RegExp(`aws_eks_pod_identity_association"[^{]*\\{[^}]*service_account\\s*=\\s*"${name}"`));
        }
        expect(compute.match(/resource "aws_eks_pod_identity_association"/g)?.length).toBe(goals[design]?.length);
      });
    });
  }

  it("the HTTP API: one Ingress for OrderService in the environment's ALB group, health-checked on its readiness path", () => {
    for (const env of DELIVERY_ENVIRONMENTS) {
      const ingress = find(overlayObjects(ordersApiComponentsPlan, env), "Ingress", "order-service");
      expect(ingress.spec.rules).toEqual([
        {
          host: `order-service.orders-api.${env}.example.internal`,
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "order-service", port: { name: "http" } } } }] },
        },
      ]);
      expect(ingress.metadata.annotations).toMatchObject({
        "alb.ingress.kubernetes.io/healthcheck-path": "/ready",
        "alb.ingress.kubernetes.io/group.name": `orders-api-${env}`,
        "alb.ingress.kubernetes.io/target-type": "ip",
      });
    }
    const service = find(overlayObjects(ordersApiComponentsPlan, "prod"), "Service", "order-service");
    expect(service.spec.ports).toEqual([{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }]);
  });

  it("the HTTP API's replicas: 3 as written in prod (its plan's environment), scaled by the environment rules elsewhere", () => {
    const hpa = (env: (typeof DELIVERY_ENVIRONMENTS)[number]) => find(overlayObjects(ordersApiComponentsPlan, env), "HorizontalPodAutoscaler", "order-service");
    expect(hpa("prod").spec.minReplicas).toBe(3);
    expect(hpa("qa").spec.minReplicas).toBe(2);
    // staging: half the minimum, rounded up
    expect(hpa("staging").spec.minReplicas).toBe(2);
    expect(hpa("dev")).toBeUndefined();
    expect(find(overlayObjects(ordersApiComponentsPlan, "dev"), "Deployment", "order-service").spec.replicas).toBe(1);
  });

  it("the gRPC service: appProtocol grpc on its gRPC port, the ALB's gRPC backend annotation, no Ingress; the worker reaches it", () => {
    const objects = overlayObjects(orderEventsGrpcPlan, "staging");
    const service = find(objects, "Service", "order-service");
    expect(service.spec.ports).toEqual([
      { name: "grpc", port: 50051, targetPort: 50051, protocol: "TCP", appProtocol: "grpc" },
      { name: "metrics", port: 9090, targetPort: 9090, protocol: "TCP" },
    ]);
    expect(service.metadata.annotations["alb.ingress.kubernetes.io/backend-protocol-version"]).toBe("GRPC");
    expect(objects.filter((o) => o.kind === "Ingress")).toEqual([]);
    expect(find(objects, "Service", "order-events")).toBeUndefined();
    const workerEgress = find(objects, "NetworkPolicy", "order-events").spec.egress;
    expect(workerEgress).toContainEqual({
      to: [{ podSelector: { matchLabels: { "app.kubernetes.io/part-of": "order-events" } } }],
      ports: [
        { protocol: "TCP", port: 9090 },
        { protocol: "TCP", port: 50051 },
      ],
    });
    const serviceIngress = find(objects, "NetworkPolicy", "order-service").spec.ingress[0].ports;
    expect(serviceIngress).toEqual([
      { protocol: "TCP", port: 50051 },
      { protocol: "TCP", port: 9090 },
    ]);
    // a worker without ports takes no traffic at all
    expect(find(objects, "NetworkPolicy", "order-events").spec.policyTypes).toEqual(["Egress"]);
  });

  it("workers scale on queue depth (KEDA aws-sqs-queue), not on CPU; dev runs a fixed pod", () => {
    for (const plan of [orderEventsGrpcPlan, invoiceWorkerPlan]) {
      const worker = plan === orderEventsGrpcPlan ? "order-events" : "invoice-renderer";
      for (const env of ["qa", "staging", "prod"] as const) {
        const objects = overlayObjects(plan, env);
        expect(find(objects, "HorizontalPodAutoscaler", worker), `${env} ${worker}`).toBeUndefined();
        const scaled = find(objects, "ScaledObject", worker);
        expect(scaled.apiVersion).toBe("keda.sh/v1alpha1");
        expect(scaled.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: worker });
        expect(scaled.spec.triggers).toEqual([
          { type: "aws-sqs-queue", metadata: { queueURLFromEnv: "QUEUE_QUEUE_URL", queueLength: "5", awsRegion: "us-east-1", identityOwner: "operator" } },
        ]);
        // KEDA owns the replica count where it scales
        expect(find(objects, "Deployment", worker).spec.replicas).toBeUndefined();
        // the URL it reads arrives in the pod's environment from the endpoints Terraform writes
        expect(find(objects, "ExternalSecret", plan.goal_name).spec.dataFrom).toEqual([{ extract: { key: `${plan.goal_name}-${env}/runtime-endpoints` } }]);
      }
      const dev = overlayObjects(plan, "dev");
      expect(dev.filter((o) => o.kind === "ScaledObject" || o.kind === "HorizontalPodAutoscaler")).toEqual([]);
      expect(find(dev, "Deployment", worker).spec.replicas).toBe(1);
    }
  });

  it("a worker of a design without a queue falls back to a CPU autoscaler", () => {
    const worker = componentRuntimeSchema.parse({ ...goals["invoice-worker"]?.[0], name: "report-builder" });
    const plan: PlanSpec = planSpecSchema.parse({
      ...structuredClone(ordersApiComponentsPlan),
      runtime_components: [...ordersApiComponentsPlan.runtime_components, worker],
    });
    expect(plan.queues).toEqual([]);
    const objects = overlayObjects(plan, "prod");
    expect(find(objects, "ScaledObject", "report-builder")).toBeUndefined();
    expect(find(objects, "HorizontalPodAutoscaler", "report-builder").spec.metrics[0].resource.name).toBe("cpu");
  });

  it("scheduled work is a CronJob on the job's own schedule, one run at a time, never a Deployment", () => {
    for (const env of DELIVERY_ENVIRONMENTS) {
      const objects = overlayObjects(invoiceWorkerPlan, env);
      const job = find(objects, "CronJob", "ledger-reconcile");
      expect(job.spec).toMatchObject({ schedule: "30 2 * * *", timeZone: "Etc/UTC", concurrencyPolicy: "Forbid" });
      expect(job.spec.jobTemplate.spec).toMatchObject({ parallelism: 1, completions: 1 });
      expect(podOf(job).spec.restartPolicy).toBe("Never");
      expect(find(objects, "Deployment", "ledger-reconcile")).toBeUndefined();
      expect(find(objects, "Service", "ledger-reconcile")).toBeUndefined();
      expect(envValue(containerOf(job), "LEDGER_DB_PASSWORD").valueFrom).toEqual({
        secretKeyRef: { name: "invoice-worker-secrets", key: "ledger-db-password" },
      });
    }
  });

  it("the generated README names what the components need: their images, KEDA for queue-depth scaling, the hosts of their Ingresses", () => {
    const readme = (plan: PlanSpec) => renderArtifacts(plan).files.find((f) => f.path === "README.md")?.content ?? "";
    const worker = readme(invoiceWorkerPlan);
    expect(worker).toContain("`ghcr.io/acme/invoice-renderer:0.9.4` (invoice_renderer)");
    expect(worker).toMatch(/invoice_renderer scale on queue depth with a KEDA ScaledObject/);
    const api = readme(ordersApiComponentsPlan);
    expect(api).toContain("<component>.orders-api.<env>.example.internal");
    expect(api).not.toContain(ordersApiComponentsPlan.compute.image);
  });

  it("refuses a plan whose components could not run: not on EKS, or named like the default-deny policy", () => {
    const onEcs = planSpecSchema.parse({
      ...structuredClone(ordersApiComponentsPlan),
      compute: { ...ordersApiComponentsPlan.compute, platform: "ecs-fargate" },
    });
    expect(() => renderArtifacts(onEcs)).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", issues: [expect.objectContaining({ path: "runtime_components" })] }),
    );
    const clash = componentRuntimeSchema.parse({ ...goals["invoice-worker"]?.[0], name: "orders-api-default-deny" });
    const named = planSpecSchema.parse({ ...structuredClone(ordersApiComponentsPlan), runtime_components: [clash] });
    expect(() => renderArtifacts(named)).toThrow(/default-deny/);
  });

  it("a drifted component value in the chart shows up in the comparison (the comparison is not vacuous)", () => {
    const namespace = "order-events-prod";
    const drifted = chartObjects(orderEventsGrpcPlan, "prod", namespace, { components: { "order-events": { autoscaling: { maxReplicas: 99 } } } });
    const scaled = withoutHelmBookkeeping(find(drifted, "ScaledObject", "order-events"));
    expect(scaled.spec.maxReplicaCount).toBe(99);
    expect(scaled).not.toEqual(find(overlayObjects(orderEventsGrpcPlan, "prod"), "ScaledObject", "order-events"));
  });
});
