import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { CronJob } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { ConfigMap, Namespace, Service, ServiceAccount } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { PlanSpec } from "../../schemas/plan.js";
import { eksApiPlan, eksPipelinePlan, kubernetesPlans } from "../../test/fixtures/plans/eks.js";
import { staticSitePlan, webApiProdPlan, workerDevPlan } from "../../test/fixtures/plans/index.js";
import { fileMap, kustomizeBuild } from "../../test/helpers/kustomize-build.js";
import { renderArtifacts } from "./engine.js";

// Manifests are checked field by field below; a loose type keeps those reads short.
// biome-ignore lint/suspicious/noExplicitAny: test-only access into parsed YAML
type Obj = Record<string, any>;

/** kubernetes-models classes by apiVersion/kind: every kind the builder emits. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "batch/v1/CronJob": CronJob,
  "networking.k8s.io/v1/Ingress": Ingress,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
};

/**
 * Custom resources kubernetes-models has no class for, checked against the fields their CRDs
 * require (External Secrets Operator v1 ExternalSecret; Prometheus Operator v1 ServiceMonitor).
 */
const CRDS: Record<string, (object: Obj) => void> = {
  "external-secrets.io/v1/ExternalSecret": (o) => {
    expect(["SecretStore", "ClusterSecretStore"]).toContain(o.spec.secretStoreRef.kind);
    expect(o.spec.secretStoreRef.name).toMatch(/^[a-z0-9-]+$/);
    expect(o.spec.refreshInterval).toMatch(/^\d+[smh]$/);
    expect(o.spec.target).toMatchObject({ name: expect.stringMatching(/^[a-z0-9-]+$/), creationPolicy: "Owner" });
    for (const item of o.spec.data) expect(item).toEqual({ secretKey: expect.stringMatching(/^[A-Z0-9_]+$/), remoteRef: { key: expect.any(String) } });
  },
  "monitoring.coreos.com/v1/ServiceMonitor": (o) => {
    expect(o.spec.selector.matchLabels).toBeDefined();
    for (const endpoint of o.spec.endpoints) expect(endpoint).toMatchObject({ port: expect.any(String) });
  },
};

/** The objects the plan's own environment deploys: `kustomize build kubernetes/overlays/<env>` (test harness). */
function objects(plan: PlanSpec): { file: string; object: Obj }[] {
  const overlay = `kubernetes/overlays/${plan.environment}`;
  return kustomizeBuild(fileMap(renderArtifacts(plan).files), overlay).map((object: Obj) => ({
    file: `${overlay}: ${object.kind}/${object.metadata.name}`,
    object,
  }));
}

const find = (plan: PlanSpec, kind: string) => {
  const found = objects(plan).find((o) => o.object.kind === kind);
  if (!found) throw new Error(`${kind} not rendered`);
  return found.object;
};

/** Kinds rendered for a plan, sorted (files come in path order, not apply order). */
const kindsOf = (plan: PlanSpec) =>
  objects(plan)
    .map((o) => o.object.kind as string)
    .sort();

/** The pod template of the plan's workload: the Deployment's, or the CronJob's for a scheduled plan. */
function podTemplate(plan: PlanSpec): Obj {
  return plan.compute.schedule ? find(plan, "CronJob").spec.jobTemplate.spec.template : find(plan, "Deployment").spec.template;
}

describe("Kubernetes manifests", () => {
  it.each([
    ["an ECS service", webApiProdPlan],
    ["a static site", staticSitePlan],
  ])("are not rendered for %s, which has no cluster", (_name, plan) => {
    expect(plan.compute.platform).not.toBe("eks");
    expect(renderArtifacts(plan).files.filter((f) => f.path.startsWith("kubernetes/") || f.kind === "kubernetes")).toEqual([]);
  });

  for (const [name, plan] of Object.entries(kubernetesPlans)) {
    describe(name, () => {
      it("every object validates against its kubernetes-models schema", () => {
        const list = objects(plan);
        expect(list.length).toBeGreaterThanOrEqual(plan.compute.schedule ? 4 : 6);
        for (const { file, object } of list) {
          const crd = CRDS[`${object.apiVersion}/${object.kind}`];
          if (crd) {
            crd(object);
            continue;
          }
          const Model = MODELS[`${object.apiVersion}/${object.kind}`];
          expect(Model, `${file}: no model for ${object.apiVersion}/${object.kind}`).toBeDefined();
          expect(() => new (Model as NonNullable<typeof Model>)(object as never).validate(), file).not.toThrow();
        }
      });

      it("every object carries the trace labels and annotations and lives outside the default namespace", () => {
        const component = plan.components.find((c) => c.kind === (plan.compute.platform === "eks" ? "eks-cluster" : "ecs-service"))?.id;
        for (const { file, object } of objects(plan)) {
          expect(object.metadata.labels, file).toMatchObject({
            "app.kubernetes.io/name": plan.goal_name,
            "app.kubernetes.io/part-of": plan.goal_name,
            "app.kubernetes.io/managed-by": "atlas",
            "atlas.dev/component": component,
            "atlas.dev/trace-id": plan.trace_id,
            "atlas.dev/plan-id": plan.plan_id,
            "atlas.dev/team": "platform",
            "atlas.dev/env": plan.environment,
          });
          expect(object.metadata.annotations, file).toMatchObject({
            "atlas.dev/plan-version": String(plan.version),
            "atlas.dev/generated-by": "atlas-builder",
          });
          const namespace = object.kind === "Namespace" ? object.metadata.name : object.metadata.namespace;
          expect(namespace, file).toBe(`${plan.goal_name}-${plan.environment}`);
        }
      });

      it("hardens the pod and sizes it from the plan", () => {
        const pod = podTemplate(plan).spec;
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.serviceAccountName).toBe(plan.goal_name);
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } });
        const [container] = pod.containers;
        expect(container.image).toBe(plan.compute.image);
        expect(container.image).not.toMatch(/:latest$/);
        const expected = { cpu: `${plan.compute.cpu * 1000}m`, memory: `${plan.compute.memory_mb}Mi` };
        expect(container.resources).toEqual({ requests: expected, limits: expected });
        expect(container.securityContext).toMatchObject({
          runAsNonRoot: true,
          runAsUser: 10001,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(find(plan, "ServiceAccount").automountServiceAccountToken).toBe(false);
      });

      if (plan.compute.schedule) return;

      it("runs the service as a Deployment with probes, a ClusterIP Service and a CPU autoscaler", () => {
        const deployment = find(plan, "Deployment");
        // dev runs one pod with no autoscaler; elsewhere the autoscaler owns the count, so the Deployment sets none.
        if (plan.environment === "dev") expect(deployment.spec.replicas).toBe(1);
        else expect(deployment.spec).not.toHaveProperty("replicas");
        expect(deployment.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
        const [container] = deployment.spec.template.spec.containers;
        expect(container.ports).toEqual([{ name: "http", containerPort: plan.compute.container_port, protocol: "TCP" }]);
        for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) expect(container[probe].httpGet.path).toBe("/healthz");
        expect(find(plan, "Service").spec.type).toBe("ClusterIP");
        if (plan.environment === "dev") {
          expect(kindsOf(plan)).not.toContain("HorizontalPodAutoscaler");
          return;
        }
        expect(find(plan, "HorizontalPodAutoscaler").spec).toMatchObject({
          minReplicas: Math.max(1, plan.compute.min_replicas),
          maxReplicas: plan.compute.max_replicas,
          metrics: [{ resource: { name: "cpu", target: { type: "Utilization", averageUtilization: plan.compute.target_cpu_percent } } }],
        });
      });
    });
  }

  describe("a scheduled pipeline on EKS", () => {
    const schedule = eksPipelinePlan.compute.schedule;
    if (!schedule) throw new Error("the EKS pipeline fixture has no schedule");

    it("is one CronJob: no Deployment, autoscaler, Service, Ingress or disruption budget", () => {
      expect(kindsOf(eksPipelinePlan)).toEqual([
        "ConfigMap",
        "ConfigMap",
        "CronJob",
        "Namespace",
        "NetworkPolicy",
        "NetworkPolicy",
        "Role",
        "RoleBinding",
        "ServiceAccount",
      ]);
    });

    it("starts at the plan's time in UTC, one run at a time, sized and bounded by the plan's schedule", () => {
      const cronJob = find(eksPipelinePlan, "CronJob");
      expect(schedule.expression).toBe("cron(0 2 * * ? *)");
      // minute 0, hour 2, any day of the month, any month; `?` (any day of the week) becomes `*`, and the year field goes
      expect(cronJob.spec).toMatchObject({ schedule: "0 2 * * *", timeZone: "Etc/UTC", concurrencyPolicy: "Forbid" });
      expect(cronJob.spec.startingDeadlineSeconds).toBeGreaterThan(0);
      const job = cronJob.spec.jobTemplate.spec;
      expect(job).toMatchObject({ parallelism: schedule.tasks_per_run, completions: schedule.tasks_per_run, activeDeadlineSeconds: schedule.run_minutes * 60 });
      expect(job.backoffLimit).toBeGreaterThanOrEqual(0);
      expect(job.ttlSecondsAfterFinished).toBeGreaterThan(0);
      expect(["Never", "OnFailure"]).toContain(job.template.spec.restartPolicy);
      expect(cronJob.spec.jobTemplate.metadata.labels).toEqual(cronJob.metadata.labels);
    });

    it("runs the pod the Deployment would, less the port and the probes a batch run has no use for", () => {
      const asService: PlanSpec = { ...structuredClone(eksPipelinePlan), compute: { ...eksPipelinePlan.compute, schedule: null } };
      const service = find(asService, "Deployment").spec.template;
      const run = podTemplate(eksPipelinePlan);
      // Only a serving pod is scraped by Prometheus.
      expect(run.metadata).toEqual({ labels: service.metadata.labels });
      expect(service.metadata.annotations).toMatchObject({ "prometheus.io/scrape": "true" });
      const { containers: runContainers, restartPolicy, ...runPod } = run.spec;
      const { containers: serviceContainers, topologySpreadConstraints: _spread, ...servicePod } = service.spec;
      expect(restartPolicy).toBe("Never");
      expect(runPod).toEqual(servicePod);
      const { ports, startupProbe, livenessProbe, readinessProbe, ...serviceContainer } = serviceContainers[0];
      expect([ports, startupProbe, livenessProbe, readinessProbe].every(Boolean)).toBe(true);
      expect(runContainers).toEqual([serviceContainer]);
    });

    it("is refused, naming the expression, when its schedule has no exact CronJob equivalent", () => {
      const plan: PlanSpec = {
        ...structuredClone(eksPipelinePlan),
        compute: { ...eksPipelinePlan.compute, schedule: { ...schedule, expression: "rate(205 minutes)" } },
      };
      expect(() => renderArtifacts(plan)).toThrow(
        expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining('"rate(205 minutes)"') }),
      );
    });
  });

  it("gives an API on EKS the Deployment, Service, autoscaler, disruption budget and an ALB Ingress with TLS", () => {
    expect(kindsOf(eksApiPlan)).toEqual([
      "ConfigMap",
      "ConfigMap",
      "Deployment",
      "ExternalSecret",
      "HorizontalPodAutoscaler",
      "Ingress",
      "Namespace",
      "NetworkPolicy",
      "NetworkPolicy",
      "PodDisruptionBudget",
      "Role",
      "RoleBinding",
      "Service",
      "ServiceAccount",
    ]);
    const pod = find(eksApiPlan, "Deployment").spec.template.spec;
    expect(pod.topologySpreadConstraints).toEqual([expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1 })]);
    expect(find(eksApiPlan, "PodDisruptionBudget").spec.minAvailable).toBe(1);
    const ingress = find(eksApiPlan, "Ingress");
    expect(ingress.spec).toMatchObject({ ingressClassName: "alb", tls: [{ secretName: "orders-api-prod-tls", hosts: ["orders-api.prod.example.internal"] }] });
    expect(ingress.metadata.annotations["alb.ingress.kubernetes.io/scheme"]).toBe("internet-facing");
  });

  it("does not spread, budget or expose the single dev worker (it keeps its in-cluster Service)", () => {
    expect(find(workerDevPlan, "Deployment").spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(kindsOf(workerDevPlan)).toEqual([
      "ConfigMap",
      "ConfigMap",
      "Deployment",
      "ExternalSecret",
      "Namespace",
      "NetworkPolicy",
      "NetworkPolicy",
      "Role",
      "RoleBinding",
      "Service",
      "ServiceAccount",
    ]);
  });

  it.each([
    ["eks-api", eksApiPlan],
    ["eks-pipeline", eksPipelinePlan],
  ])("%s: the base kustomization lists every base manifest; each overlay adds its namespace first", (_name, plan) => {
    const files = renderArtifacts(plan).files.filter((f) => f.kind === "kubernetes");
    const read = (path: string) => parseAllDocuments(files.find((f) => f.path === path)?.content ?? "")[0]?.toJS() as Obj;
    const base = read("kubernetes/base/kustomization.yaml");
    expect([...base.resources].sort()).toEqual(
      files
        .filter((f) => f.path.startsWith("kubernetes/base/") && f.path !== "kubernetes/base/kustomization.yaml")
        .map((f) => f.path.slice("kubernetes/base/".length))
        .sort(),
    );
    for (const env of ["dev", "qa", "staging", "prod"]) {
      const overlay = read(`kubernetes/overlays/${env}/kustomization.yaml`);
      expect(overlay.resources.slice(0, 2)).toEqual(["../../base", "namespace.yaml"]);
    }
  });

  it("labels each namespace for the restricted Pod Security Standard in all three modes", () => {
    const namespace = find(eksApiPlan, "Namespace");
    for (const mode of ["enforce", "audit", "warn"]) expect(namespace.metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
  });
});
