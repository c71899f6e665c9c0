import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import type { PlanSpec } from "../../schemas/plan.js";
import { eksApiPlan, eksPipelinePlan, kubernetesPlans } from "../../test/fixtures/plans/eks.js";
import { staticSitePlan, webApiProdPlan, workerDevPlan } from "../../test/fixtures/plans/index.js";
import { renderArtifacts } from "./engine.js";

type Obj = Record<string, unknown>;

function chart(plan: PlanSpec): Map<string, string> {
  const root = `helm/${plan.goal_name}/`;
  return new Map(
    renderArtifacts(plan)
      .files.filter((f) => f.kind === "helm")
      .map((f) => [f.path.slice(root.length), f.content]),
  );
}

/** Every `.Values.a.b` path a template reads (including `$.Values`). */
function valuesPaths(template: string): string[] {
  return [...template.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => (m[1] ?? "").slice(1));
}

function has(values: unknown, path: string): boolean {
  let current = values;
  for (const key of path.split(".")) {
    if (typeof current !== "object" || current === null || !(key in current)) return false;
    current = (current as Obj)[key];
  }
  return true;
}

/** Leaf paths of a values document, e.g. `autoscaling.minReplicas`. */
function leaves(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value) || Object.keys(value).length === 0) return [prefix];
  return Object.entries(value as Obj).flatMap(([key, child]) => leaves(child, prefix ? `${prefix}.${key}` : key));
}

describe("Helm chart", () => {
  for (const [name, plan] of Object.entries(kubernetesPlans)) {
    describe(name, () => {
      const files = chart(plan);
      const values = parse(files.get("values.yaml") ?? "") as Obj;
      const scheduled = plan.compute.schedule !== null;
      const workloadTemplate = scheduled ? "templates/cronjob.yaml" : "templates/deployment.yaml";

      it("has the chart files and templates: a CronJob for a schedule, else a Deployment and what serves it", () => {
        const expected = ["Chart.yaml", "values.yaml", "values-dev.yaml", "values-qa.yaml", "values-staging.yaml", "values-prod.yaml"];
        const workload = scheduled ? ["cronjob.yaml"] : ["deployment.yaml", "service.yaml", "ingress.yaml", "hpa.yaml", "pdb.yaml", "servicemonitor.yaml"];
        const common = [
          "configmap.yaml",
          "externalsecret.yaml",
          "namespace.yaml",
          "networkpolicy.yaml",
          "otel-configmap.yaml",
          "rbac.yaml",
          "serviceaccount.yaml",
        ];
        const templates = ["_helpers.tpl", ...workload, ...common];
        expect([...files.keys()].sort()).toEqual([...expected, ...templates.map((t) => `templates/${t}`)].sort());
      });

      it("Helm values cover the templates", () => {
        const missing: string[] = [];
        let referenced = 0;
        for (const [file, content] of files) {
          if (!file.startsWith("templates/")) continue;
          for (const path of valuesPaths(content)) {
            referenced++;
            if (!has(values, path)) missing.push(`${file}: .Values.${path}`);
          }
        }
        expect(referenced).toBeGreaterThan(20);
        expect(missing).toEqual([]);
      });

      it("per-environment values only override keys values.yaml declares", () => {
        for (const environment of ["dev", "qa", "staging", "prod"]) {
          const overrides = parse(files.get(`values-${environment}.yaml`) ?? "") as Obj;
          // A list (the secret references) replaces the default list whole, so its items are not leaves to declare.
          const undeclared = leaves({ ...overrides, externalSecret: { secretName: "" } }).filter((path) => !has(values, path));
          expect(undeclared, environment).toEqual([]);
          expect(overrides).toMatchObject({ environment, config: { APP_ENV: environment }, otel: { samplingRatio: expect.any(Number) } });
          expect(overrides.resources).toMatchObject({ requests: { cpu: expect.any(String) }, limits: { memory: expect.any(String) } });
          const secrets = plan.security.secrets.length > 0 ? ["externalSecret"] : [];
          if (scheduled) expect(Object.keys(overrides).sort()).toEqual(["config", "environment", ...secrets, "otel", "resources"].sort());
          else expect(overrides).toMatchObject({ autoscaling: { enabled: environment !== "dev" }, replicaCount: expect.any(Number) });
        }
        if (scheduled) return;
        const prod = parse(files.get("values-prod.yaml") ?? "") as Obj;
        expect(prod).toMatchObject({ podDisruptionBudget: { enabled: true }, topologySpread: { enabled: true } });
        expect((prod.autoscaling as Obj).minReplicas).toBeGreaterThanOrEqual(2);
      });

      it("values for the plan's environment match the plan", () => {
        const own = parse(files.get(`values-${plan.environment}.yaml`) ?? "") as Obj;
        const size = { cpu: `${plan.compute.cpu * 1000}m`, memory: `${plan.compute.memory_mb}Mi` };
        expect(own.resources).toEqual({ requests: size, limits: size });
        if (!scheduled && plan.environment !== "dev") {
          expect(own.replicaCount).toBe(plan.compute.min_replicas);
          expect(own.autoscaling).toMatchObject({ maxReplicas: plan.compute.max_replicas, targetCPUUtilizationPercentage: plan.compute.target_cpu_percent });
        }
        // dev runs a single pod without an autoscaler, whatever the plan's range.
        if (!scheduled && plan.environment === "dev") expect(own).toMatchObject({ replicaCount: 1, autoscaling: { enabled: false } });
        expect(values.image).toMatchObject({ tag: plan.compute.image.split(":").pop() });
        expect(values.atlas).toEqual({
          component: expect.any(String),
          partOf: plan.goal_name,
          team: "platform",
          traceId: plan.trace_id,
          planId: plan.plan_id,
          blueprintId: plan.plan_id,
          planVersion: String(plan.version),
        });
      });

      it("Chart.yaml is apiVersion v2 with version 0.1.0 plus the plan version", () => {
        const meta = parse(files.get("Chart.yaml") ?? "") as Obj;
        expect(meta).toMatchObject({ apiVersion: "v2", name: plan.goal_name, type: "application", version: `0.1.0+plan.${plan.version}` });
        expect(meta.appVersion).toBe(plan.compute.image.split(":").pop());
      });

      it("templates have balanced actions: every if/with/range/define has its end", () => {
        for (const [file, content] of files) {
          if (!file.startsWith("templates/")) continue;
          const actions = [...content.matchAll(/\{\{-?\s*(\/\*[\s\S]*?\*\/|[^}]*?)\s*-?\}\}/g)].map((m) => (m[1] ?? "").trim());
          const opened = actions.filter((a) => /^(if|with|range|define)\b/.test(a)).length;
          const closed = actions.filter((a) => a === "end").length;
          expect(closed, file).toBe(opened);
          expect(content.split("{{").length, file).toBe(content.split("}}").length);
        }
      });

      it("templates carry the trace labels, hardening and no hard-coded image tag", () => {
        const helpers = files.get("templates/_helpers.tpl") ?? "";
        for (const label of ["atlas.dev/trace-id", "atlas.dev/plan-id", "atlas.dev/component", "app.kubernetes.io/part-of", "atlas.dev/plan-version"])
          expect(helpers).toContain(label);
        const workload = files.get(workloadTemplate) ?? "";
        for (const text of [
          "readOnlyRootFilesystem: true",
          "allowPrivilegeEscalation: false",
          'drop: ["ALL"]',
          "runAsNonRoot: true",
          "automountServiceAccountToken: false",
        ]) {
          expect(workload).toContain(text);
        }
        const serving = ["maxUnavailable: 0", "livenessProbe", "readinessProbe", "startupProbe", "containerPort"];
        for (const text of serving) expect(workload.includes(text), text).toBe(!scheduled);
        expect(workload).not.toContain("latest");
      });
    });
  }

  it.each([
    ["a static site", staticSitePlan],
    ["an ECS service", webApiProdPlan],
  ])("is not rendered for %s, which has no cluster", (_name, plan) => {
    expect(chart(plan).size).toBe(0);
    expect(renderArtifacts(plan).files.filter((f) => f.path.startsWith("helm/"))).toEqual([]);
  });

  it("enables the Ingress only for a service behind an ALB", () => {
    expect((parse(chart(eksApiPlan).get("values.yaml") ?? "") as Obj).ingress).toMatchObject({
      enabled: true,
      className: "alb",
      tlsSecretName: "orders-api-prod-tls",
      host: "orders-api.prod.example.internal",
    });
    expect((parse(chart(workerDevPlan).get("values.yaml") ?? "") as Obj).ingress).toMatchObject({ enabled: false });
  });

  it("gives a scheduled plan's CronJob template the numbers of its manifest", () => {
    const files = chart(eksPipelinePlan);
    const values = parse(files.get("values.yaml") ?? "") as Obj;
    const manifest = parseAllDocuments(
      renderArtifacts(eksPipelinePlan).files.find((f) => f.path === "kubernetes/base/cronjob.yaml")?.content ?? "",
    )[0]?.toJS() as {
      spec: Obj & { jobTemplate: { spec: Obj } };
    };
    const { jobTemplate, ...cronSpec } = manifest.spec;
    const { template: _template, ...jobSpec } = jobTemplate.spec;
    expect(values.cronJob).toEqual({ ...cronSpec, ...jobSpec });
    const template = files.get("templates/cronjob.yaml") ?? "";
    for (const key of Object.keys(values.cronJob as Obj)) expect(template).toContain(`${key}: {{ .Values.cronJob.${key}`);
    expect(template).toContain("restartPolicy: Never");
    expect(values).not.toHaveProperty("autoscaling");
    expect(values).not.toHaveProperty("ingress");
  });
});

describe("Chart.yaml trace metadata", () => {
  it("names the trace, the blueprint and the generator; with components, their blueprints and scopes", async () => {
    const { orderEventsGrpcPlan } = await import("../../test/fixtures/plans/components.js");
    const annotations = (plan: PlanSpec) =>
      (parse(renderArtifacts(plan).files.find((f) => /^helm\/[^/]+\/Chart\.yaml$/.test(f.path))?.content ?? "") as Obj).annotations as Record<string, string>;
    const own = annotations(eksApiPlan);
    expect(own["atlas.dev/trace-id"]).toBe(eksApiPlan.trace_id);
    expect(own["atlas.dev/blueprint-id"]).toBe(eksApiPlan.plan_id);
    expect(own["atlas.dev/generated-by"]).toBe("atlas-builder");
    const components = annotations(orderEventsGrpcPlan);
    const blueprints = [...new Set(orderEventsGrpcPlan.runtime_components.map((c) => c.blueprint_id).filter(Boolean))];
    const scopes = [...new Set(orderEventsGrpcPlan.runtime_components.map((c) => c.component_scope).filter(Boolean))];
    expect(blueprints.length).toBeGreaterThan(0);
    expect(components["atlas.dev/blueprint-id"]).toBe(blueprints.join(","));
    expect(components["atlas.dev/component-scope"]).toBe(scopes.join(","));
  });
});
