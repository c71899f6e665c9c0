import { describe, expect, it } from "vitest";
import { validateIac } from "../engine.js";

const META = "metadata:\n  name: web\n  namespace: web\n";

/** One CRD object per pinned package, each with one field of the wrong type. */
const BROKEN: [kind: string, yaml: string, pointer: string][] = [
  [
    "ExternalSecret (external-secrets.io/v1, checked against the pinned v1beta1 schema)",
    `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\n${META}spec:\n  refreshInterval: 60\n  secretStoreRef:\n    name: store\n  target:\n    name: web\n`,
    "spec.refreshInterval",
  ],
  [
    "ServiceMonitor",
    `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\n${META}spec:\n  selector:\n    matchLabels:\n      app: web\n  endpoints:\n    port: http\n`,
    "spec.endpoints",
  ],
  [
    "ScaledObject",
    `apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\n${META}spec:\n  scaleTargetRef:\n    name: web\n  maxReplicaCount: ten\n  triggers:\n    - type: aws-sqs-queue\n      metadata:\n        queueURL: https://sqs.example/q\n`,
    "spec.maxReplicaCount",
  ],
  [
    "Argo CD Application",
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://git.example/repo.git\n    path: kubernetes/overlays/prod\n    targetRevision: main\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n  syncPolicy:\n    syncOptions: PruneLast=true\n`,
    "spec.syncPolicy.syncOptions",
  ],
  [
    "Flux Kustomization",
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./kubernetes/overlays/prod\n  prune: "yes"\n  sourceRef:\n    kind: GitRepository\n    name: repo\n`,
    "spec.prune",
  ],
];

describe("K8S_SCHEMA checks CRDs against the pinned schemas", () => {
  it.each(BROKEN)("finds the wrong field type in a %s", async (_, yaml, field) => {
    const report = await validateIac([{ path: "object.yaml", content: yaml }]);
    const schema = report.findings.filter((f) => f.rule_id === "K8S_SCHEMA");
    expect(schema.map((f) => f.message)).toEqual([expect.stringContaining(`${field} must be`)]);
    expect(schema[0]?.line).toBeGreaterThan(1);
    expect(report.findings.filter((f) => f.rule_id === "K8S_SCHEMA_UNKNOWN")).toEqual([]);
  });

  it.each(BROKEN)("passes the %s once the field is put right", async (_, yaml) => {
    const fixed = yaml
      .replace("refreshInterval: 60", "refreshInterval: 1h")
      .replace("endpoints:\n    port: http", "endpoints:\n    - port: http")
      .replace("maxReplicaCount: ten", "maxReplicaCount: 10")
      .replace("syncOptions: PruneLast=true", "syncOptions:\n      - PruneLast=true")
      .replace('prune: "yes"', "prune: true");
    const report = await validateIac([{ path: "object.yaml", content: fixed }]);
    expect(report.findings.filter((f) => f.rule_id.startsWith("K8S_SCHEMA"))).toEqual([]);
  });

  it("flags the template engine v1 that external-secrets.io/v1 removed, though the v1beta1 schema allows it", async () => {
    const yaml = `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\n${META}spec:\n  secretStoreRef:\n    name: store\n  target:\n    name: web\n    template:\n      engineVersion: v1\n`;
    const report = await validateIac([{ path: "es.yaml", content: yaml }]);
    expect(report.findings.filter((f) => f.rule_id === "K8S_SCHEMA")).toEqual([
      expect.objectContaining({ line: 12, message: expect.stringContaining("engineVersion v1 was removed") }),
    ]);
  });

  it("says an object of a kind with no known schema was not checked, as an info finding naming apiVersion, kind and file", async () => {
    const yaml = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: web\nspec: 3\n";
    const report = await validateIac([{ path: "certs/web.yaml", content: yaml }]);
    expect(report.findings.filter((f) => f.rule_id.startsWith("K8S_SCHEMA"))).toEqual([
      expect.objectContaining({
        rule_id: "K8S_SCHEMA_UNKNOWN",
        severity: "info",
        file: "certs/web.yaml",
        message: "cert-manager.io/v1 Certificate in certs/web.yaml was not checked against a schema: none is known for this kind",
      }),
    ]);
    // info: the report still says what it did not check without failing on it
    expect(report.status).toBe("PASS");
  });
});
