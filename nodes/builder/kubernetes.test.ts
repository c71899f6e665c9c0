import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Service, ServiceAccount } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { PlanSpec } from "../../schemas/plan.js";
import { samplePlans, webApiProdPlan, workerDevPlan } from "../../test/fixtures/plans/index.js";
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
  "networking.k8s.io/v1/Ingress": Ingress,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};

function objects(plan: PlanSpec): { file: string; object: Obj }[] {
  return renderArtifacts(plan)
    .files.filter((f) => f.kind === "kubernetes")
    .flatMap((f) => parseAllDocuments(f.content).map((doc) => ({ file: f.path, object: doc.toJS() as Obj })))
    .filter(({ object }) => object.kind !== "Kustomization");
}

const find = (plan: PlanSpec, kind: string) => {
  const found = objects(plan).find((o) => o.object.kind === kind);
  if (!found) throw new Error(`${kind} not rendered`);
  return found.object;
};

describe("Kubernetes manifests", () => {
  for (const [name, plan] of Object.entries(samplePlans).filter(([, p]) => p.compute.platform !== "none")) {
    describe(name, () => {
      it("every object validates against its kubernetes-models schema", () => {
        const list = objects(plan);
        expect(list.length).toBeGreaterThanOrEqual(6);
        for (const { file, object } of list) {
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
        const deployment = find(plan, "Deployment");
        expect(deployment.spec.replicas).toBe(plan.compute.min_replicas);
        expect(deployment.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
        const pod = deployment.spec.template.spec;
        expect(pod.automountServiceAccountToken).toBe(false);
        const [container] = pod.containers;
        expect(container.image).toBe(plan.compute.image);
        expect(container.image).not.toMatch(/:latest$/);
        expect(container.ports).toEqual([{ name: "http", containerPort: plan.compute.container_port, protocol: "TCP" }]);
        const expected = { cpu: `${plan.compute.cpu * 1000}m`, memory: `${plan.compute.memory_mb}Mi` };
        expect(container.resources).toEqual({ requests: expected, limits: expected });
        for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) expect(container[probe].httpGet.path).toBe("/healthz");
        expect(container.securityContext).toMatchObject({
          runAsNonRoot: true,
          runAsUser: 10001,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(find(plan, "ServiceAccount").automountServiceAccountToken).toBe(false);
        expect(find(plan, "Service").spec.type).toBe("ClusterIP");
        expect(find(plan, "HorizontalPodAutoscaler").spec).toMatchObject({
          minReplicas: Math.max(1, plan.compute.min_replicas),
          maxReplicas: plan.compute.max_replicas,
          metrics: [{ resource: { name: "cpu", target: { type: "Utilization", averageUtilization: plan.compute.target_cpu_percent } } }],
        });
      });
    });
  }

  it("spreads prod pods across zones, keeps one up during disruptions and exposes them with TLS", () => {
    const pod = find(webApiProdPlan, "Deployment").spec.template.spec;
    expect(pod.topologySpreadConstraints).toEqual([expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1 })]);
    expect(find(webApiProdPlan, "PodDisruptionBudget").spec.minAvailable).toBe(1);
    expect(find(webApiProdPlan, "Ingress").spec.tls).toEqual([{ secretName: "orders-api-tls" }]);
  });

  it("does not spread, budget or expose the single dev worker", () => {
    expect(find(workerDevPlan, "Deployment").spec.template.spec.topologySpreadConstraints).toBeUndefined();
    const kinds = objects(workerDevPlan).map((o) => o.object.kind);
    expect(kinds).not.toContain("PodDisruptionBudget");
    expect(kinds).not.toContain("Ingress");
  });

  it("lists every manifest in the kustomization, in apply order", () => {
    const files = renderArtifacts(webApiProdPlan).files.filter((f) => f.kind === "kubernetes");
    const kustomization = parseAllDocuments(files.find((f) => f.path === "kubernetes/kustomization.yaml")?.content ?? "")[0]?.toJS() as Obj;
    expect(kustomization.resources[0]).toBe("namespace.yaml");
    expect([...kustomization.resources].sort()).toEqual(
      files
        .map((f) => f.path.slice("kubernetes/".length))
        .filter((p) => p !== "kustomization.yaml")
        .sort(),
    );
  });
});
