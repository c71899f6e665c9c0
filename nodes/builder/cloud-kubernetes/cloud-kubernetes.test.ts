import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { buildOverlays } from "../../../iac/kustomize.js";
import { validateIac } from "../../../policies/engine.js";
import { type PlanSpec, planSpecSchema } from "../../../schemas/plan.js";
import { azureAksProdPlan, azureWebApiProdPlan, azureWorkerStagingPlan } from "../../../test/fixtures/plans/azure.js";
import { gcpDataPipelineProdPlan, gcpInternalGkeDevPlan, gcpWebApiProdPlan } from "../../../test/fixtures/plans/gcp.js";
import { webApiProdPlan } from "../../../test/fixtures/plans/index.js";
import { renderAzure } from "../azure/index.js";
import type { RenderedFile } from "../context.js";
import { kubernetesSchedule } from "../cron.js";
import { renderArtifacts } from "../engine.js";
import { DELIVERY_ENVIRONMENTS } from "../environments.js";
import { renderGcp } from "../gcp/index.js";
import { environmentSizing } from "../sizing.js";
import {
  AKS_INGRESS_CLASS,
  AKS_INTERNAL_INGRESS_CLASS,
  APP_ROUTING_NAMESPACE,
  GKE_INGRESS_CLASS,
  GOOGLE_LB_RANGES,
  PLACEHOLDERS,
  placeholdersIn,
} from "./cloud.js";
import { federatedNames, renderCloudKubernetes } from "./index.js";

type Obj = Record<string, unknown>;

const cloudComponent = (id: string, kind: string, role: string, size: string | null = null, count = 1) => ({
  id,
  kind,
  role,
  size,
  count,
  optional: false,
  depends_on: [],
  monthly_usd: 0,
});

/** The Azure queue worker fixture moved from Container Apps onto AKS. */
const aksWorkerPlan: PlanSpec = planSpecSchema.parse({
  ...azureWorkerStagingPlan,
  plan_id: "plan-az-aks-worker",
  pattern: "azure-worker-aks",
  components: [
    ...azureWorkerStagingPlan.components.filter((c) => c.kind !== "azure-container-apps-env" && c.kind !== "azure-container-app"),
    cloudComponent("aks", "aks-cluster", "Kubernetes control plane"),
    cloudComponent("aks-nodes", "aks-node-pool", "Nodes", "Standard_D4s_v5", 2),
  ],
  compute: { ...azureWorkerStagingPlan.compute, platform: "aks", node_instance_type: "Standard_D4s_v5", node_count: 2, min_replicas: 2 },
});

/** The AKS fixture as a development internal service: no public entry, other workloads in the network call it. */
const aksInternalPlan: PlanSpec = planSpecSchema.parse({
  ...azureAksProdPlan,
  plan_id: "plan-az-aks-internal",
  pattern: "azure-internal-service-aks",
  environment: "dev",
  components: azureAksProdPlan.components.filter((c) => c.kind !== "azure-front-door"),
  network: { ...azureAksProdPlan.network, ingress: { type: "none", public: false, tls: true } },
  security: { ...azureAksProdPlan.security, waf: false },
});

/** A Google Cloud plan moved from Cloud Run onto GKE: the cluster and its nodes replace the Cloud Run (and Scheduler) components, the workload's scopes move to the cluster's principal. */
function onGke(plan: PlanSpec, planId: string): PlanSpec {
  return planSpecSchema.parse({
    ...plan,
    plan_id: planId,
    pattern: `${plan.pattern}-gke`,
    components: [
      ...plan.components.filter((c) => c.kind !== "cloud-run" && c.kind !== "cloud-scheduler"),
      cloudComponent("gke", "gke-cluster", "Kubernetes control plane"),
      cloudComponent("gke-nodes", "gke-node-pool", "Nodes", "e2-standard-4", 3),
    ],
    compute: { ...plan.compute, platform: "gke", node_instance_type: "e2-standard-4", node_count: 3 },
    security: { ...plan.security, iam_scopes: plan.security.iam_scopes.map((scope) => ({ ...scope, principal: "gke" })) },
  });
}

const gkeWebPlan = onGke(gcpWebApiProdPlan, "plan-gcp-gke-web");
const gkePipelinePlan = onGke(gcpDataPipelineProdPlan, "plan-gcp-gke-pipe");

const plans: Record<string, PlanSpec> = {
  "aks-web-prod": azureAksProdPlan,
  "aks-worker-staging": aksWorkerPlan,
  "aks-internal-dev": aksInternalPlan,
  "gke-internal-dev": gcpInternalGkeDevPlan,
  "gke-web-prod": gkeWebPlan,
  "gke-pipeline-prod": gkePipelinePlan,
};

const rendered = new Map<string, RenderedFile[]>();
function filesOf(name: string): RenderedFile[] {
  let files = rendered.get(name);
  if (!files) {
    files = renderCloudKubernetes(plans[name] as PlanSpec);
    rendered.set(name, files);
  }
  return files;
}

/** The single object of a rendered manifest file. */
function objectAt(files: RenderedFile[], path: string): Obj {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`${path} was not rendered`);
  return parse(file.content) as Obj;
}

/** The objects the repository's Kustomize builder builds for one overlay, by `Kind/name`. */
function builtOverlay(files: RenderedFile[], env: string): Map<string, Obj> {
  const overlay = buildOverlays(files).find((o) => o.dir === `kubernetes/overlays/${env}`);
  if (!overlay || !("objects" in overlay)) throw new Error(`overlay ${env} was not built`);
  return new Map(overlay.objects.map((o) => [`${o.kind}/${o.name}`, o.object]));
}

describe("renderCloudKubernetes: which plans", () => {
  it("renders nothing for AWS, Container Apps and Cloud Run plans", () => {
    expect(renderCloudKubernetes(webApiProdPlan)).toEqual([]);
    expect(renderCloudKubernetes(azureWebApiProdPlan)).toEqual([]);
    expect(renderCloudKubernetes(gcpWebApiProdPlan)).toEqual([]);
  });

  it("refuses an AKS plan whose secrets have no Key Vault to be read from", () => {
    const noVault = planSpecSchema.parse({ ...azureAksProdPlan, components: azureAksProdPlan.components.filter((c) => c.kind !== "azure-key-vault") });
    expect(() => renderCloudKubernetes(noVault)).toThrow(/no Key Vault/);
  });

  it.each(Object.keys(plans))("%s: the same plan gives the same files", (name) => {
    const plan = plans[name] as PlanSpec;
    expect(renderCloudKubernetes(plan)).toEqual(renderCloudKubernetes(structuredClone(plan)));
  });

  it.each(Object.keys(plans))("%s: a base, four overlays and a chart with a values file per environment", (name) => {
    const paths = filesOf(name).map((f) => f.path);
    const goal = (plans[name] as PlanSpec).goal_name;
    expect(paths).toContain("kubernetes/base/kustomization.yaml");
    for (const env of DELIVERY_ENVIRONMENTS) {
      expect(paths).toContain(`kubernetes/overlays/${env}/kustomization.yaml`);
      expect(paths).toContain(`helm/${goal}/values-${env}.yaml`);
    }
    expect(paths).toContain(`helm/${goal}/Chart.yaml`);
    expect(paths).toContain(`helm/${goal}/values.yaml`);
  });
});

describe("renderCloudKubernetes: the repository's validator", () => {
  it.each(Object.keys(plans))("%s: schema-valid, every overlay built, every chart rendered without drift, nothing high or critical", async (name) => {
    const report = await validateIac(filesOf(name), { environment: "prod" });
    const blocking = report.findings.filter(
      (f) =>
        ["K8S_SCHEMA", "HELM_CHART_NOT_RENDERED", "HELM_OVERLAY_DRIFT", "KUSTOMIZE_NOT_BUILT", "KUSTOMIZE_BUILD_ERROR", "IAC_PARSE_ERROR"].includes(
          f.rule_id,
        ) ||
        f.severity === "high" ||
        f.severity === "critical",
    );
    expect(blocking.map((f) => `${f.rule_id} ${f.file}: ${f.message}`)).toEqual([]);
    // every overlay was built, so its objects were checked
    expect(buildOverlays(filesOf(name)).filter((o) => "objects" in o)).toHaveLength(DELIVERY_ENVIRONMENTS.length);
  });
});

describe("renderCloudKubernetes: the names the Terraform federates", () => {
  it.each(["aks-web-prod", "aks-worker-staging", "aks-internal-dev"])(
    "%s: namespace and service account are the azure Terraform's federated subject",
    (name) => {
      const plan = plans[name] as PlanSpec;
      const terraform = renderAzure(plan)
        .map((f) => f.content)
        .join("\n");
      const account = objectAt(filesOf(name), "kubernetes/base/serviceaccount.yaml") as { metadata: { name: string; namespace: string } };
      expect(terraform).toContain('subject   = "system:serviceaccount:${var.kubernetes_namespace}:${var.kubernetes_service_account}"');
      const defaultOf = (variable: string) => new RegExp(`variable "${variable}" \\{[^}]*default\\s*=\\s*"([^"]+)"`).exec(terraform)?.[1];
      expect(defaultOf("kubernetes_namespace")).toBe(account.metadata.namespace);
      expect(defaultOf("kubernetes_service_account")).toBe(account.metadata.name);
    },
  );

  it.each(["gke-internal-dev", "gke-web-prod", "gke-pipeline-prod"])(
    "%s: namespace and service account are the workloadIdentityUser member of the gcp Terraform",
    (name) => {
      const plan = plans[name] as PlanSpec;
      const gkeTf = renderGcp(plan).find((f) => f.path === "terraform/gke.tf")?.content ?? "";
      const account = objectAt(filesOf(name), "kubernetes/base/serviceaccount.yaml") as { metadata: { name: string; namespace: string } };
      expect(gkeTf).toContain('role               = "roles/iam.workloadIdentityUser"');
      expect(gkeTf).toContain(`.svc.id.goog[${account.metadata.namespace}/${account.metadata.name}]`);
    },
  );

  it.each(Object.keys(plans))("%s: each overlay deploys into the namespace its environment's Terraform federates, with that service account", (name) => {
    const plan = plans[name] as PlanSpec;
    for (const env of DELIVERY_ENVIRONMENTS) {
      const names = federatedNames(plan, env);
      const objects = builtOverlay(filesOf(name), env);
      expect(objects.get(`Namespace/${names.namespace}`)).toBeDefined();
      const account = objects.get(`ServiceAccount/${names.serviceAccount}`) as { metadata: { namespace: string } };
      expect(account.metadata.namespace).toBe(names.namespace);
      for (const object of objects.values()) {
        const metadata = object.metadata as { namespace?: string; name: string };
        if (object.kind !== "Namespace") expect(metadata.namespace).toBe(names.namespace);
      }
      const workload = [...objects.values()].find((o) => o.kind === "Deployment" || o.kind === "CronJob") as Obj;
      expect(JSON.stringify(workload)).toContain(`"serviceAccountName":"${names.serviceAccount}"`);
    }
  });
});

describe("renderCloudKubernetes: workload identity and secrets", () => {
  it("AKS: the client-id annotation, the pod label the webhook needs, and the Key Vault provider reading each plan secret", () => {
    const files = filesOf("aks-web-prod");
    const account = objectAt(files, "kubernetes/base/serviceaccount.yaml") as { metadata: { annotations: Record<string, string> } };
    expect(account.metadata.annotations["azure.workload.identity/client-id"]).toBe(PLACEHOLDERS.workloadClientId.token);
    const deployment = objectAt(files, "kubernetes/base/deployment.yaml") as { spec: { template: { metadata: { labels: Record<string, string> } } } };
    expect(deployment.spec.template.metadata.labels["azure.workload.identity/use"]).toBe("true");
    const spc = objectAt(files, "kubernetes/base/secretproviderclass.yaml") as { spec: { provider: string; parameters: Record<string, string> } };
    expect(spc.spec.provider).toBe("azure");
    expect(spc.spec.parameters.clientID).toBe(PLACEHOLDERS.workloadClientId.token);
    const objects = parse(parse(spc.spec.parameters.objects as string).array[0]) as { objectName: string; objectType: string };
    expect(objects).toEqual({ objectName: azureAksProdPlan.security.secrets[0]?.name, objectType: "secret" });
  });

  it("AKS: every placeholder names a Terraform output that exists, or says no output carries it", () => {
    const tokens = placeholdersIn(filesOf("aks-web-prod").map((f) => f.content));
    const terraform = renderAzure(azureAksProdPlan)
      .map((f) => f.content)
      .join("\n");
    expect(tokens.map((p) => p.token).sort()).toEqual(["AZURE_TENANT_ID", "KEY_VAULT_NAME", "WORKLOAD_CLIENT_ID"]);
    expect(terraform).toContain('output "identity_workload_client_id"');
    expect(terraform).toContain('output "key_vault_uri"');
  });

  it("GKE: the service account annotation, no Azure label, and Secret Manager paths under each environment's secret id", () => {
    const files = filesOf("gke-internal-dev");
    const account = objectAt(files, "kubernetes/base/serviceaccount.yaml") as { metadata: { annotations: Record<string, string> } };
    expect(account.metadata.annotations["iam.gke.io/gcp-service-account"]).toBe(PLACEHOLDERS.workloadServiceAccountEmail.token);
    const deployment = objectAt(files, "kubernetes/base/deployment.yaml") as { spec: { template: { metadata: { labels: Record<string, string> } } } };
    expect(deployment.spec.template.metadata.labels["azure.workload.identity/use"]).toBeUndefined();
    const terraform = renderGcp(gcpInternalGkeDevPlan)
      .map((f) => f.content)
      .join("\n");
    expect(terraform).toContain('output "workload_service_account"');
    const secretName = gcpInternalGkeDevPlan.security.secrets[0]?.name as string;
    for (const env of DELIVERY_ENVIRONMENTS) {
      const spc = builtOverlay(files, env).get("SecretProviderClass/pricing-engine-secrets") as { spec: { provider: string; parameters: { secrets: string } } };
      expect(spc.spec.provider).toBe("gke");
      const [entry] = parse(spc.spec.parameters.secrets) as { resourceName: string; path: string }[];
      // the secret id the Terraform of that environment gives it: `<goal>-<env>-<name>`
      expect(entry).toEqual({ resourceName: `projects/PROJECT_ID/secrets/pricing-engine-${env}-${secretName}/versions/latest`, path: secretName });
    }
    // the environment's own Terraform names its secret that way
    expect(terraform).toContain(`secret_id = "pricing-engine-dev-${secretName}"`);
  });

  it("the container reads each secret from the CSI mount through a *_FILE variable, read-only", () => {
    const deployment = objectAt(filesOf("aks-web-prod"), "kubernetes/base/deployment.yaml") as {
      spec: { template: { spec: { containers: Obj[]; volumes: Obj[] } } };
    };
    const [container] = deployment.spec.template.spec.containers as { env: { name: string; value: string }[]; volumeMounts: Obj[] }[];
    expect(container?.env).toEqual([{ name: "STRIPE_API_KEY_FILE", value: "/mnt/secrets/stripe-api-key" }]);
    expect(container?.volumeMounts).toContainEqual({ name: "secrets", mountPath: "/mnt/secrets", readOnly: true });
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: "secrets",
      csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "catalog-api-secrets" } },
    });
  });
});

describe("renderCloudKubernetes: objects per workload", () => {
  it("public web on AKS: the application routing class, TLS per environment, traffic only from the add-on's namespace", () => {
    const files = filesOf("aks-web-prod");
    for (const env of DELIVERY_ENVIRONMENTS) {
      const ingress = builtOverlay(files, env).get("Ingress/catalog-api") as {
        spec: { ingressClassName: string; tls: { hosts: string[] }[]; rules: { host: string }[] };
      };
      expect(ingress.spec.ingressClassName).toBe(AKS_INGRESS_CLASS);
      expect(ingress.spec.rules[0]?.host).toBe(`catalog-api.${env}.example.internal`);
      expect(ingress.spec.tls[0]?.hosts).toEqual([`catalog-api.${env}.example.internal`]);
    }
    const policy = objectAt(files, "kubernetes/base/networkpolicy.yaml") as { spec: { ingress: { from: Obj[] }[] } };
    expect(policy.spec.ingress[0]?.from).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": APP_ROUTING_NAMESPACE } } }]);
  });

  it("public web on GKE: class gce on the reserved address, managed certificate, FrontendConfig and Cloud Armor in the BackendConfig", () => {
    const files = filesOf("gke-web-prod");
    const ingress = objectAt(files, "kubernetes/base/ingress.yaml") as {
      metadata: { annotations: Record<string, string> };
      spec: { ingressClassName: string };
    };
    expect(ingress.spec.ingressClassName).toBe(GKE_INGRESS_CLASS.public);
    expect(ingress.metadata.annotations["kubernetes.io/ingress.global-static-ip-name"]).toBe(PLACEHOLDERS.ingressStaticIpName.token);
    expect(ingress.metadata.annotations["networking.gke.io/managed-certificates"]).toBe(gkeWebPlan.goal_name);
    const backend = objectAt(files, "kubernetes/base/backendconfig.yaml") as { spec: { securityPolicy: { name: string }; healthCheck: { port: number } } };
    expect(backend.spec.securityPolicy.name).toBe(PLACEHOLDERS.securityPolicy.token);
    expect(backend.spec.healthCheck.port).toBe(gkeWebPlan.compute.container_port);
    const frontend = objectAt(files, "kubernetes/base/frontendconfig.yaml") as { spec: { sslPolicy: string } };
    expect(frontend.spec.sslPolicy).toBe(PLACEHOLDERS.ingressSslPolicy.token);
    const terraform = renderGcp(gkeWebPlan)
      .map((f) => f.content)
      .join("\n");
    for (const output of ["ingress_static_ip_name", "ingress_ssl_policy", "security_policy"]) expect(terraform).toContain(`output "${output}"`);
    const policy = objectAt(files, "kubernetes/base/networkpolicy.yaml") as {
      spec: { ingress: { from: Obj[] }[]; egress: { to: Obj[]; ports: { port: number }[] }[] };
    };
    expect(policy.spec.ingress[0]?.from).toEqual(GOOGLE_LB_RANGES.map((cidr) => ({ ipBlock: { cidr } })));
    // PostgreSQL (5432) and Memorystore with in-transit encryption (6378) inside the VPC
    const data = policy.spec.egress.find((rule) => JSON.stringify(rule.to) === JSON.stringify([{ ipBlock: { cidr: gkeWebPlan.network.vpc_cidr } }]));
    expect(data?.ports.map((p) => p.port)).toEqual([5432, 6378]);
  });

  it("internal service on AKS: the internal NGINX class of the application routing add-on, never the public one", () => {
    const ingress = objectAt(filesOf("aks-internal-dev"), "kubernetes/base/ingress.yaml") as { spec: { ingressClassName: string } };
    expect(ingress.spec.ingressClassName).toBe(AKS_INTERNAL_INGRESS_CLASS);
    expect(ingress.spec.ingressClassName).not.toBe(AKS_INGRESS_CLASS);
  });

  it("internal service on AKS: the internal NGINX controller its class names, once per cluster, outside the overlays and the chart", () => {
    const files = filesOf("aks-internal-dev");
    const controller = objectAt(files, "kubernetes/cluster/nginx-internal.yaml") as {
      kind: string;
      metadata: { name: string; namespace?: string };
      spec: { ingressClassName: string; loadBalancerAnnotations: Record<string, string> };
    };
    expect(controller.kind).toBe("NginxIngressController");
    expect(controller.metadata.namespace).toBeUndefined();
    expect(controller.spec.ingressClassName).toBe(AKS_INTERNAL_INGRESS_CLASS);
    expect(controller.spec.loadBalancerAnnotations["service.beta.kubernetes.io/azure-load-balancer-internal"]).toBe("true");
    const elsewhere = files.filter((file) => !file.path.startsWith("kubernetes/cluster/") && file.content.includes("NginxIngressController"));
    expect(elsewhere.map((file) => file.path)).toEqual([]);
    // the build's README applies it before the overlay
    const readme = renderArtifacts(aksInternalPlan).files.find((file) => file.path === "README.md")?.content ?? "";
    expect(readme.indexOf("kubectl apply -f kubernetes/cluster/")).toBeGreaterThan(-1);
    expect(readme.indexOf("kubectl apply -f kubernetes/cluster/")).toBeLessThan(readme.indexOf("kubectl apply -k kubernetes/overlays/"));
    // a public entry uses the add-on's own controller: nothing to create
    expect(filesOf("aks-web-prod").some((file) => file.path.startsWith("kubernetes/cluster/"))).toBe(false);
  });

  it("internal service on GKE: class gce-internal, HTTPS only, reachable from the VPC", () => {
    const files = filesOf("gke-internal-dev");
    const ingress = objectAt(files, "kubernetes/base/ingress.yaml") as {
      metadata: { annotations: Record<string, string> };
      spec: { ingressClassName: string };
    };
    expect(ingress.spec.ingressClassName).toBe(GKE_INGRESS_CLASS.internal);
    expect(ingress.metadata.annotations["kubernetes.io/ingress.allow-http"]).toBe("false");
    const policy = objectAt(files, "kubernetes/base/networkpolicy.yaml") as { spec: { ingress: { from: Obj[] }[] } };
    expect(policy.spec.ingress[0]?.from).toContainEqual({ ipBlock: { cidr: gcpInternalGkeDevPlan.network.vpc_cidr } });
  });

  it("a worker has a Deployment but no Service or Ingress, and takes no traffic", () => {
    const files = filesOf("aks-worker-staging");
    for (const env of DELIVERY_ENVIRONMENTS) {
      const kinds = [...builtOverlay(files, env).values()].map((o) => o.kind);
      expect(kinds).toContain("Deployment");
      expect(kinds).not.toContain("Service");
      expect(kinds).not.toContain("Ingress");
    }
    const policy = objectAt(files, "kubernetes/base/networkpolicy.yaml") as { spec: { policyTypes: string[]; ingress?: unknown } };
    expect(policy.spec.policyTypes).toEqual(["Egress"]);
    expect(policy.spec.ingress).toBeUndefined();
  });

  it("a scheduled pipeline is a CronJob on the plan's schedule in 5-field form, with no Deployment, Service, Ingress or autoscaler", () => {
    const files = filesOf("gke-pipeline-prod");
    const schedule = gkePipelinePlan.compute.schedule;
    if (!schedule) throw new Error("the pipeline fixture has a schedule");
    const cron = objectAt(files, "kubernetes/base/cronjob.yaml") as { spec: { schedule: string; timeZone: string } };
    expect(cron.spec.schedule).toBe(kubernetesSchedule(schedule.expression));
    expect(cron.spec.timeZone).toBe("Etc/UTC");
    const kinds = [...builtOverlay(files, "prod").values()].map((o) => o.kind);
    for (const kind of ["Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"]) expect(kinds).not.toContain(kind);
  });

  it.each(["aks-web-prod", "gke-internal-dev"])(
    "%s: replicas, autoscaler bounds, disruption budget and pod size per environment follow environmentSizing",
    (name) => {
      const plan = plans[name] as PlanSpec;
      for (const env of DELIVERY_ENVIRONMENTS) {
        const sizing = environmentSizing(plan, env);
        const objects = builtOverlay(filesOf(name), env);
        const deployment = objects.get(`Deployment/${plan.goal_name}`) as {
          spec: { replicas?: number; template: { spec: { containers: { resources: Obj }[] } } };
        };
        const hpa = objects.get(`HorizontalPodAutoscaler/${plan.goal_name}`) as
          | { spec: { minReplicas: number; maxReplicas: number; metrics: Obj[] } }
          | undefined;
        expect(deployment.spec.template.spec.containers[0]?.resources).toEqual({ requests: sizing.resources, limits: sizing.resources });
        if (sizing.autoscaling) {
          expect(deployment.spec.replicas).toBeUndefined();
          expect(hpa?.spec.minReplicas).toBe(sizing.minReplicas);
          expect(hpa?.spec.maxReplicas).toBe(sizing.maxReplicas);
          expect(JSON.stringify(hpa?.spec.metrics)).toContain(`"averageUtilization":${plan.compute.target_cpu_percent}`);
        } else {
          expect(deployment.spec.replicas).toBe(sizing.replicas);
          expect(hpa).toBeUndefined();
        }
        expect(objects.has(`PodDisruptionBudget/${plan.goal_name}`)).toBe(sizing.pdb);
      }
    },
  );

  it.each(Object.keys(plans))("%s: every object carries the trace labels and annotations; the namespace enforces restricted", (name) => {
    const plan = plans[name] as PlanSpec;
    for (const env of DELIVERY_ENVIRONMENTS) {
      for (const object of builtOverlay(filesOf(name), env).values()) {
        const metadata = object.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
        expect(metadata.labels["atlas.dev/trace-id"]).toBe(plan.trace_id);
        expect(metadata.labels["atlas.dev/plan-id"]).toBe(plan.plan_id);
        expect(metadata.labels["atlas.dev/env"]).toBe(env);
        expect(metadata.labels["atlas.dev/component"]).toBe(plan.cloud === "azure" ? "aks" : "gke");
        expect(metadata.annotations["atlas.dev/plan-version"]).toBe(String(plan.version));
        expect(metadata.annotations["atlas.dev/generated-by"]).toBe("atlas-builder");
        if (object.kind === "Namespace") {
          for (const mode of ["enforce", "audit", "warn"]) expect(metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
        }
      }
    }
  });
});

describe("renderCloudKubernetes: kubectl kustomize agrees with the repository's Kustomize builder", () => {
  const kubectl = (() => {
    try {
      execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  const root = mkdtempSync(join(tmpdir(), "cloud-kubernetes-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(Object.keys(plans))("%s: every overlay builds to the same objects", (name) => {
    if (!kubectl) {
      console.warn("kubectl is not on PATH: the comparison with kubectl kustomize was not run");
      return;
    }
    const dir = join(root, name);
    for (const file of filesOf(name)) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.content);
    }
    for (const env of DELIVERY_ENVIRONMENTS) {
      const output = execFileSync("kubectl", ["kustomize", join(dir, "kubernetes/overlays", env)], { encoding: "utf8" });
      const fromKubectl = new Map(
        parseAllDocuments(output).map((doc) => {
          const object = doc.toJS() as Obj;
          return [`${object.kind}/${(object.metadata as Obj).name}`, object];
        }),
      );
      const ours = builtOverlay(filesOf(name), env);
      expect([...fromKubectl.keys()].sort()).toEqual([...ours.keys()].sort());
      for (const [key, object] of ours) expect(fromKubectl.get(key)).toEqual(object);
    }
  });
});
