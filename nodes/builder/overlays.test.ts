import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { withoutHelmBookkeeping } from "../../iac/helm-template.js";
import { eksApiPlan, eksPipelinePlan, kubernetesPlans } from "../../test/fixtures/plans/eks.js";
import { chartObjects, overlayObjects } from "../../test/helpers/builder-output.js";
import { fileMap } from "../../test/helpers/kustomize-build.js";
import type { Conventions } from "./conventions.js";
import { renderArtifacts } from "./engine.js";
import { DELIVERY_ENVIRONMENTS, DELIVERY_PATHS } from "./environments.js";

// biome-ignore lint/suspicious/noExplicitAny: test-only access into parsed YAML
type Obj = Record<string, any>;

const byKey = (objects: Obj[]) => new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));

const overlay = overlayObjects;
const chart = chartObjects;

describe("environment overlays and Helm values", () => {
  for (const [name, plan] of Object.entries(kubernetesPlans)) {
    describe(name, () => {
      for (const env of DELIVERY_ENVIRONMENTS) {
        it(`${env}: the Kustomize overlay and the Helm chart render the same objects`, () => {
          const fromOverlay = overlay(plan, env);
          const namespace = fromOverlay.find((o) => o.kind === "Namespace")?.metadata.name;
          expect(namespace).toBe(`${plan.goal_name}-${env}`);
          // The chart owns the namespace only when asked (a release usually gets it from --create-namespace).
          const fromChart = chart(plan, env, namespace, { namespace: { create: true } });
          const overlayObjects = byKey(fromOverlay);
          const chartObjects = byKey(fromChart.map(withoutHelmBookkeeping));
          expect([...chartObjects.keys()].sort()).toEqual([...overlayObjects.keys()].sort());
          for (const [key, object] of overlayObjects) expect(chartObjects.get(key), key).toEqual(object);
          expect(chart(plan, env, namespace).some((o) => o.kind === "Namespace")).toBe(false);
        });
      }

      it("every object of an overlay is in the overlay's namespace and labelled with its environment", () => {
        for (const env of DELIVERY_ENVIRONMENTS) {
          for (const object of overlay(plan, env)) {
            expect(object.metadata.labels["atlas.dev/env"], `${env} ${object.kind}`).toBe(env);
            if (object.kind !== "Namespace") expect(object.metadata.namespace).toBe(`${plan.goal_name}-${env}`);
          }
        }
      });
    });
  }

  const workload = (objects: Obj[]) => objects.find((o) => o.kind === "Deployment" || o.kind === "CronJob") as Obj;
  const container = (objects: Obj[]) => {
    const w = workload(objects);
    return (w.kind === "CronJob" ? w.spec.jobTemplate.spec.template : w.spec.template).spec.containers[0];
  };
  const envVar = (objects: Obj[], name: string) => container(objects).env.find((e: Obj) => e.name === name)?.value;

  it("sizes the API per environment: dev one pod without autoscaler, qa two with CPU autoscaling, prod at least two with a budget", () => {
    const dev = overlay(eksApiPlan, "dev");
    expect(workload(dev).spec.replicas).toBe(1);
    expect(dev.filter((o) => o.kind === "HorizontalPodAutoscaler" || o.kind === "PodDisruptionBudget")).toEqual([]);
    expect(container(dev).resources.requests).toEqual({ cpu: `${(eksApiPlan.compute.cpu / 2) * 1000}m`, memory: `${eksApiPlan.compute.memory_mb / 2}Mi` });
    const qa = overlay(eksApiPlan, "qa");
    const qaHpa = qa.find((o) => o.kind === "HorizontalPodAutoscaler") as Obj;
    expect(qaHpa.spec).toMatchObject({ minReplicas: 2, metrics: [{ resource: { name: "cpu" } }] });
    expect(workload(qa).spec).not.toHaveProperty("replicas");
    const prod = overlay(eksApiPlan, "prod");
    // The plan is a prod plan: its own numbers.
    expect((prod.find((o) => o.kind === "HorizontalPodAutoscaler") as Obj).spec).toMatchObject({
      minReplicas: eksApiPlan.compute.min_replicas,
      maxReplicas: eksApiPlan.compute.max_replicas,
      metrics: [{ resource: { target: { averageUtilization: eksApiPlan.compute.target_cpu_percent } } }],
    });
    expect(prod.some((o) => o.kind === "PodDisruptionBudget")).toBe(true);
    const size = { cpu: `${eksApiPlan.compute.cpu * 1000}m`, memory: `${eksApiPlan.compute.memory_mb}Mi` };
    expect(container(prod).resources).toEqual({ requests: size, limits: size });
  });

  it("samples every trace in dev and qa, half in staging, a fifth in prod, and names the environment in the resource attributes", () => {
    const expected = { dev: "1", qa: "1", staging: "0.5", prod: "0.2" };
    for (const env of DELIVERY_ENVIRONMENTS) {
      const objects = overlay(eksApiPlan, env);
      expect(envVar(objects, "OTEL_TRACES_SAMPLER_ARG")).toBe(expected[env]);
      expect(envVar(objects, "OTEL_TRACES_SAMPLER")).toBe("parentbased_traceidratio");
      expect(envVar(objects, "OTEL_RESOURCE_ATTRIBUTES")).toBe(
        `trace_id=${eksApiPlan.trace_id},blueprint_id=${eksApiPlan.plan_id},deployment.environment=${env}`,
      );
    }
  });

  it("gives each environment's Ingress its own host and TLS secret", () => {
    for (const env of DELIVERY_ENVIRONMENTS) {
      const ingress = overlay(eksApiPlan, env).find((o) => o.kind === "Ingress") as Obj;
      expect(ingress.spec.rules[0].host).toBe(`orders-api.${env}.example.internal`);
      expect(ingress.spec.tls).toEqual([{ hosts: [`orders-api.${env}.example.internal`], secretName: `orders-api-${env}-tls` }]);
    }
  });

  it("points each environment's secrets and config at the resources its own Terraform names", () => {
    const staging = overlay(eksApiPlan, "staging");
    const secret = staging.find((o) => o.kind === "ExternalSecret") as Obj;
    expect(secret.spec.data.map((d: Obj) => d.remoteRef.key)).toEqual(eksApiPlan.security.secrets.map((s) => `orders-api-staging/${s.name}`));
    const config = staging.find((o) => o.kind === "ConfigMap" && o.metadata.name === "orders-api") as Obj;
    expect(config.data).toMatchObject({ APP_ENV: "staging", LOG_LEVEL: "debug" });
    const binding = staging.find((o) => o.kind === "RoleBinding") as Obj;
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "orders-api", namespace: "orders-api-staging" }]);
  });

  it("a scheduled plan's overlays differ only in sizing, telemetry and names, never in replicas or autoscaling", () => {
    for (const env of DELIVERY_ENVIRONMENTS) {
      const objects = overlay(eksPipelinePlan, env);
      expect(objects.map((o) => o.kind).filter((k) => ["Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"].includes(k))).toEqual([]);
      expect(workload(objects).spec.jobTemplate.spec.parallelism).toBe(eksPipelinePlan.compute.schedule?.tasks_per_run);
    }
  });

  it("a drifted chart value shows up in the comparison (the comparison is not vacuous)", () => {
    const namespace = "orders-api-staging";
    const drifted = chart(eksApiPlan, "staging", namespace, { otel: { samplingRatio: 0.9 } }).find((o) => o.kind === "Deployment") as Obj;
    const fromOverlay = overlay(eksApiPlan, "staging").find((o) => o.kind === "Deployment") as Obj;
    expect(withoutHelmBookkeeping(drifted)).not.toEqual(fromOverlay);
    expect(envVar([drifted], "OTEL_TRACES_SAMPLER_ARG")).toBe("0.9");
  });

  describe("under an organisation's own conventions", () => {
    const conventions: Partial<Conventions> = {
      namespace: "cs-${goal}-${env}",
      chart_name: "${goal}-chart",
      secret_name: "cs-${component}-secrets-${env}",
      secret_store: "corp-secrets",
      team: "payments",
      prometheus_operator: true,
    };
    for (const env of DELIVERY_ENVIRONMENTS) {
      it(`${env}: names follow the conventions, and overlay and chart still agree`, () => {
        const fromOverlay = overlay(eksApiPlan, env, conventions);
        const namespace = `cs-orders-api-${env}`;
        expect(fromOverlay.find((o) => o.kind === "Namespace")?.metadata.name).toBe(namespace);
        const secret = fromOverlay.find((o) => o.kind === "ExternalSecret") as Obj;
        expect(secret.spec.target.name).toBe(`cs-cluster-secrets-${env}`);
        expect(secret.spec.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: "corp-secrets" });
        expect(container(fromOverlay).envFrom).toContainEqual({ secretRef: { name: `cs-cluster-secrets-${env}` } });
        expect(fromOverlay.every((o) => o.metadata.labels["atlas.dev/team"] === "payments")).toBe(true);
        expect(fromOverlay.find((o) => o.kind === "ServiceMonitor")?.spec.namespaceSelector).toEqual({ matchNames: [namespace] });
        const fromChart = byKey(chart(eksApiPlan, env, namespace, { namespace: { create: true } }, conventions).map(withoutHelmBookkeeping));
        expect([...fromChart.keys()].sort()).toEqual([...byKey(fromOverlay).keys()].sort());
        for (const [key, object] of byKey(fromOverlay)) expect(fromChart.get(key), key).toEqual(object);
      });
    }

    it("the chart is named by the convention and the Terraform binds the workload role in the convention's namespace", () => {
      const files = renderArtifacts(eksApiPlan, conventions).files;
      expect(files.some((f) => f.path === "helm/orders-api-chart/Chart.yaml")).toBe(true);
      const compute = files.find((f) => f.path === "terraform/compute.tf")?.content ?? "";
      expect(compute).toMatch(/aws_eks_pod_identity_association[\s\S]*namespace\s*=\s*"cs-orders-api-prod"/);
    });
  });

  it("writes JSON 6902 patches with a target in each overlay, and the base without environment-only objects", () => {
    const files = fileMap(renderArtifacts(eksApiPlan).files);
    const base = parse(files.get(`${DELIVERY_PATHS.kustomizeBase}/kustomization.yaml`) ?? "") as Obj;
    expect(base.resources).not.toContain("hpa.yaml");
    expect(base.resources).not.toContain("namespace.yaml");
    for (const env of DELIVERY_ENVIRONMENTS) {
      const k = parse(files.get(`${DELIVERY_PATHS.overlay(env)}/kustomization.yaml`) ?? "") as Obj;
      expect(k.resources[0]).toBe("../../base");
      expect(k.namespace).toBe(`orders-api-${env}`);
      expect(k.labels).toEqual([{ pairs: { "atlas.dev/env": env }, includeSelectors: false }]);
      // The plan's own environment is the base: nothing to patch there.
      if (env === eksApiPlan.environment) expect(k.patches).toBeUndefined();
      else expect(k.patches.length).toBeGreaterThan(0);
      for (const patch of k.patches ?? []) {
        expect(patch.target).toMatchObject({ version: expect.any(String), kind: expect.any(String), name: expect.any(String) });
        for (const op of parse(patch.patch) as Obj[]) expect(["add", "remove", "replace"]).toContain(op.op);
      }
    }
  });
});
