import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import type { PlanSpec } from "../../schemas/plan.js";
import { eksApiPlan, eksPipelinePlan, kubernetesPlans } from "../../test/fixtures/plans/eks.js";
import { workerDevPlan } from "../../test/fixtures/plans/index.js";
import { chartObjects as chart } from "../../test/helpers/builder-output.js";
import { fileMap, kustomizeBuild } from "../../test/helpers/kustomize-build.js";
import { renderArtifacts } from "./engine.js";

// biome-ignore lint/suspicious/noExplicitAny: test-only access into parsed YAML
type Obj = Record<string, any>;

const ownOverlay = (plan: PlanSpec): Obj[] => kustomizeBuild(fileMap(renderArtifacts(plan).files), `kubernetes/overlays/${plan.environment}`);
const one = (objects: Obj[], kind: string, name?: string) => {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`${kind} ${name ?? ""} not found`);
  return found;
};
const podSpec = (objects: Obj[]) => {
  const w = objects.find((o) => o.kind === "Deployment" || o.kind === "CronJob") as Obj;
  return (w.kind === "CronJob" ? w.spec.jobTemplate.spec.template : w.spec.template).spec;
};

describe("identity and security of the Kubernetes output", () => {
  for (const [name, plan] of Object.entries(kubernetesPlans)) {
    it(`${name}: never writes a Secret with values, in the manifests or the chart`, () => {
      const files = renderArtifacts(plan).files.filter((f) => f.kind === "kubernetes" || f.kind === "helm");
      for (const f of files.filter((f) => !f.path.includes("/templates/"))) {
        for (const doc of parseAllDocuments(f.content)) expect((doc.toJS() as Obj | null)?.kind, f.path).not.toBe("Secret");
      }
      expect(chart(plan, plan.environment, `${plan.goal_name}-${plan.environment}`).map((o) => o.kind)).not.toContain("Secret");
    });

    it(`${name}: the Role reads only the workload's own ConfigMaps, and is bound to its ServiceAccount`, () => {
      const objects = ownOverlay(plan);
      const role = one(objects, "Role");
      expect(role.rules).toEqual([{ apiGroups: [""], resources: ["configmaps"], resourceNames: [plan.goal_name, `${plan.goal_name}-otel`], verbs: ["get"] }]);
      expect(JSON.stringify(role.rules)).not.toContain("*");
      const binding = one(objects, "RoleBinding");
      expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name });
      expect(binding.subjects).toEqual([
        { kind: "ServiceAccount", name: podSpec(objects).serviceAccountName, namespace: one(objects, "Namespace").metadata.name },
      ]);
    });

    it(`${name}: denies all traffic by default and allows DNS, the Pod Identity agent and HTTPS out`, () => {
      const objects = ownOverlay(plan);
      expect(one(objects, "NetworkPolicy", `${plan.goal_name}-default-deny`).spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
      const allow = one(objects, "NetworkPolicy", plan.goal_name).spec;
      const egress = allow.egress as Obj[];
      const dns = egress.find((rule) => rule.ports.some((p: Obj) => p.port === 53));
      expect(dns?.ports).toEqual([
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ]);
      expect(dns?.to[0].namespaceSelector.matchLabels).toEqual({ "kubernetes.io/metadata.name": "kube-system" });
      expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] });
      expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] });
      expect(egress).toContainEqual({
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
        ports: [{ protocol: "TCP", port: 4317 }],
      });
      const podLabels = podSpec(objects) && (objects.find((o) => o.kind === "Deployment" || o.kind === "CronJob") as Obj);
      const template = podLabels.kind === "CronJob" ? podLabels.spec.jobTemplate.spec.template : podLabels.spec.template;
      expect(template.metadata.labels).toMatchObject(allow.podSelector.matchLabels);
    });
  }

  it("lets the API take traffic on its port only, and reach its Postgres and Redis ports in the VPC", () => {
    const allow = one(ownOverlay(eksApiPlan), "NetworkPolicy", "orders-api").spec;
    expect(allow.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(allow.ingress).toHaveLength(1);
    expect(allow.ingress[0].ports).toEqual([{ protocol: "TCP", port: eksApiPlan.compute.container_port }]);
    expect(allow.ingress[0].from).toContainEqual({ ipBlock: { cidr: eksApiPlan.network.vpc_cidr } });
    expect(allow.egress).toContainEqual({
      to: [{ ipBlock: { cidr: eksApiPlan.network.vpc_cidr } }],
      ports: [
        { protocol: "TCP", port: 5432 },
        { protocol: "TCP", port: 6379 },
      ],
    });
  });

  it("gives a scheduled job no ingress at all, and a worker without data stores no data ports", () => {
    const job = one(ownOverlay(eksPipelinePlan), "NetworkPolicy", "ledger-export").spec;
    expect(job.policyTypes).toEqual(["Egress"]);
    expect(job.ingress).toBeUndefined();
    const worker = one(ownOverlay(workerDevPlan), "NetworkPolicy", workerDevPlan.goal_name).spec;
    const ports = (worker.egress as Obj[]).flatMap((rule) => rule.ports.map((p: Obj) => p.port));
    expect(ports).not.toContain(5432);
    expect(ports).not.toContain(6379);
  });

  it("delivers the plan's secrets by reference: an ExternalSecret from Secrets Manager, read by the pod through envFrom", () => {
    const objects = ownOverlay(eksApiPlan);
    const secret = one(objects, "ExternalSecret");
    expect(secret.apiVersion).toBe("external-secrets.io/v1");
    expect(secret.spec.data).toEqual(
      eksApiPlan.security.secrets.map((s) => ({
        secretKey: s.name.toUpperCase().replaceAll("-", "_"),
        remoteRef: { key: `orders-api-prod/${s.name}` },
      })),
    );
    expect(podSpec(objects).containers[0].envFrom).toEqual([{ configMapRef: { name: "orders-api" } }, { secretRef: { name: secret.spec.target.name } }]);
    // The Terraform of the same environment names the secrets the ExternalSecret reads.
    const secretsTf = renderArtifacts(eksApiPlan).files.find((f) => f.path === "terraform/secrets.tf")?.content ?? "";
    for (const item of secret.spec.data) expect(secretsTf).toContain(`"${item.remoteRef.key}"`);
    expect(ownOverlay(eksPipelinePlan).some((o) => o.kind === "ExternalSecret")).toBe(false);
  });

  it("hands the endpoints only Terraform knows to the pod: Terraform writes them to a secret, the ExternalSecret extracts it", () => {
    const secret = one(ownOverlay(eksApiPlan), "ExternalSecret");
    expect(secret.spec.dataFrom).toEqual([{ extract: { key: "orders-api-prod/runtime-endpoints" } }]);
    const compute = renderArtifacts(eksApiPlan).files.find((f) => f.path === "terraform/compute.tf")?.content ?? "";
    expect(compute).toContain('name                    = "orders-api-prod/runtime-endpoints"');
    const version = compute.slice(compute.indexOf('resource "aws_secretsmanager_secret_version" "runtime_endpoints"'));
    for (const key of ["DATABASE_ORDERS_DB_HOST", "DATABASE_ORDERS_DB_PORT", "DATABASE_ORDERS_DB_SECRET_ARN", "REDIS_SESSIONS_HOST", "REDIS_SESSIONS_PORT"]) {
      expect(version).toContain(key);
    }
    expect(version).toContain("aws_elasticache_replication_group.sessions.primary_endpoint_address");
    // Another environment's overlay reads that environment's Terraform secret.
    const qa = kustomizeBuild(fileMap(renderArtifacts(eksApiPlan).files), "kubernetes/overlays/qa").find((o: Obj) => o.kind === "ExternalSecret") as Obj;
    expect(qa.spec.dataFrom).toEqual([{ extract: { key: "orders-api-qa/runtime-endpoints" } }]);
    // A job with no database, cache or queue has nothing to hand over.
    expect(renderArtifacts(eksPipelinePlan).files.find((f) => f.path === "terraform/compute.tf")?.content).not.toContain("runtime_endpoints");
  });

  it("binds the ServiceAccount the pods use to the Terraform workload role through the Pod Identity association", () => {
    const objects = ownOverlay(eksApiPlan);
    const account = one(objects, "ServiceAccount");
    expect(podSpec(objects).serviceAccountName).toBe(account.metadata.name);
    const compute = renderArtifacts(eksApiPlan).files.find((f) => f.path === "terraform/compute.tf")?.content ?? "";
    const association = compute.slice(compute.indexOf('resource "aws_eks_pod_identity_association" "workload"'));
    expect(association).toContain(`namespace       = "${account.metadata.namespace}"`);
    expect(association).toContain(`service_account = "${account.metadata.name}"`);
    expect(association).toContain("aws_iam_role.workload.arn");
  });
});

describe("telemetry of the Kubernetes output", () => {
  it("configures the OTel SDK by environment variables and ships the collector config as a ConfigMap", () => {
    const objects = ownOverlay(eksApiPlan);
    const env = Object.fromEntries(podSpec(objects).containers[0].env.map((e: Obj) => [e.name, e.value]));
    expect(env).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector.monitoring:4317",
      OTEL_SERVICE_NAME: "orders-api",
      OTEL_RESOURCE_ATTRIBUTES: `trace_id=${eksApiPlan.trace_id},blueprint_id=${eksApiPlan.plan_id},deployment.environment=prod`,
      OTEL_PROPAGATORS: "tracecontext,baggage",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.2",
    });
    const collector = parse(one(objects, "ConfigMap", "orders-api-otel").data["collector.yaml"]) as Obj;
    expect(Object.keys(collector.receivers)).toEqual(["otlp"]);
    expect(collector.processors).toHaveProperty("batch");
    expect(collector.exporters.otlp.endpoint).toBe("http://otel-collector.monitoring:4317");
    expect(collector.service.pipelines.traces).toEqual({ receivers: ["otlp"], processors: ["batch"], exporters: ["otlp"] });
  });

  it("annotates serving pods for Prometheus and emits a ServiceMonitor only when the cluster has the operator", () => {
    const template = one(ownOverlay(eksApiPlan), "Deployment").spec.template;
    expect(template.metadata.annotations).toEqual({ "prometheus.io/scrape": "true", "prometheus.io/port": "8080", "prometheus.io/path": "/metrics" });
    expect(ownOverlay(eksApiPlan).some((o) => o.kind === "ServiceMonitor")).toBe(false);
    expect(chart(eksApiPlan, "prod", "orders-api-prod").some((o) => o.kind === "ServiceMonitor")).toBe(false);
    const files = renderArtifacts(eksApiPlan, { prometheus_operator: true }).files;
    const monitor = kustomizeBuild(fileMap(files), "kubernetes/overlays/prod").find((o: Obj) => o.kind === "ServiceMonitor") as Obj;
    expect(monitor.spec.endpoints).toEqual([{ port: "http", path: "/metrics", interval: "30s" }]);
  });

  it("adds the collector sidecar only when values ask for it, and points the SDK at it", () => {
    const off = chart(eksApiPlan, "prod", "orders-api-prod");
    expect(podSpec(off).containers).toHaveLength(1);
    const on = chart(eksApiPlan, "prod", "orders-api-prod", { otel: { sidecar: { enabled: true } } });
    const [app, sidecar] = podSpec(on).containers;
    expect(sidecar).toMatchObject({ name: "otel-collector", image: expect.stringMatching(/^otel\/opentelemetry-collector:\d+\.\d+\.\d+$/) });
    expect(sidecar.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(app.env.find((e: Obj) => e.name === "OTEL_EXPORTER_OTLP_ENDPOINT").value).toBe("http://127.0.0.1:4317");
    expect(podSpec(on).volumes).toContainEqual({ name: "otel-config", configMap: { name: "orders-api-otel" } });
  });
});
