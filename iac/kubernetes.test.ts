import { describe, expect, it } from "vitest";
import { parseKubernetes } from "./kubernetes.js";
import { validateKubernetesSchema } from "./kubernetes-schema.js";

const MULTI = `# leading comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: one
  namespace: shop
data:
  a: "1"
---
---
# an empty document above is skipped
apiVersion: v1
kind: Service
metadata:
  name: two
spec:
  ports:
    - port: 80
`;

describe("parseKubernetes", () => {
  it("reads every document of a multi-doc file with the line it starts on", () => {
    const { objects, errors } = parseKubernetes([{ path: "k8s/all.yaml", content: MULTI }]);
    expect(errors).toEqual([]);
    expect(objects.map((o) => [o.kind, o.name, o.namespace, o.file, o.line])).toEqual([
      ["ConfigMap", "one", "shop", "k8s/all.yaml", 2],
      ["Service", "two", null, "k8s/all.yaml", 12],
    ]);
    expect(objects[1]?.lines?.["/spec/ports/0"]).toBe(18);
  });

  it("skips Helm templates and values without calling them errors", () => {
    const result = parseKubernetes([
      { path: "chart/Chart.yaml", content: "apiVersion: v2\nname: app\nversion: 0.1.0\n" },
      { path: "chart/values.yaml", content: "replicaCount: 2\n" },
      { path: "chart/templates/deployment.yaml", content: 'metadata:\n  name: {{ .Release.Name }}\n  {{- include "x" . }}\n' },
    ]);
    expect(result).toEqual({
      objects: [],
      errors: [],
      skipped: [expect.objectContaining({ file: "chart/templates/deployment.yaml" })],
    });
  });

  it("reports YAML syntax errors with their line", () => {
    const { errors } = parseKubernetes([{ path: "bad.yaml", content: "apiVersion: v1\nkind: ConfigMap\ndata: {a: 1\n" }]);
    expect(errors).toEqual([expect.objectContaining({ file: "bad.yaml", line: expect.any(Number) })]);
    expect(errors[0]?.message).toMatch(/^YAML syntax error/);
  });

  it("reads JSON manifests and List kinds, and ignores unrelated JSON", () => {
    const list = JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }] }, null, 2);
    const { objects, errors } = parseKubernetes([
      { path: "list.json", content: list },
      { path: "package.json", content: '{ "name": "x", // comment\n }' },
      { path: "main.tf.json", content: "{}" },
    ]);
    expect(errors).toEqual([]);
    expect(objects.map((o) => [o.kind, o.name, o.file, o.line])).toEqual([["ConfigMap", "c", "list.json", 5]]);
  });

  it("takes the namespace of an enclosing kustomization.yaml", () => {
    const { objects, skipped } = parseKubernetes([
      { path: "app/kustomization.yaml", content: "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\n" },
      { path: "app/cm.yaml", content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n" },
      { path: "other/cm.yaml", content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n" },
    ]);
    expect(objects.map((o) => [o.name, o.namespace])).toEqual([
      ["c", "shop"],
      ["d", null],
    ]);
    expect(skipped).toEqual([expect.objectContaining({ file: "app/kustomization.yaml" })]);
  });
});

describe("validateKubernetesSchema", () => {
  const parse = (content: string) => {
    const [object] = parseKubernetes([{ path: "x.yaml", content }]).objects;
    if (!object) throw new Error("no object parsed");
    return object;
  };

  it("reports fields that break the OpenAPI schema with their JSON pointer", async () => {
    const object = parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: Public\n  ports:\n    - port: http\n");
    const { issues } = await validateKubernetesSchema(object);
    expect(issues.map((i) => i.pointer).sort()).toEqual(["/spec/ports/0/port", "/spec/type"]);
    expect(issues.find((i) => i.pointer === "/spec/type")?.message).toContain("LoadBalancer");
  });

  it("checks a removed apiVersion of a known kind against the version that replaced it", async () => {
    // extensions/v1beta1 Deployments were removed in 1.16; a CRD-like pass would hide the broken field
    const object = parse("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: three\n");
    const { schema, issues } = await validateKubernetesSchema(object);
    expect(schema).toBe("apps/v1");
    expect(issues.map((i) => i.pointer)).toContain("/spec/replicas");
  });

  it("accepts valid objects, and says when it has no schema for a kind instead of passing it", async () => {
    expect(await validateKubernetesSchema(parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n"))).toEqual({
      schema: "v1",
      issues: [],
    });
    expect(await validateKubernetesSchema(parse("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: c\nspec: 3\n"))).toEqual({
      schema: null,
      issues: [],
    });
  });

  it("knows built-in kinds of any group version kubernetes-models has, not only the builder's", async () => {
    const storage = await validateKubernetesSchema(parse("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: s\nprovisioner: 7\n"));
    expect(storage.schema).toBe("storage.k8s.io/v1");
    expect(storage.issues.map((i) => i.pointer)).toEqual(["/provisioner"]);
    const hpa = await validateKubernetesSchema(
      parse("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  maxReplicas: many\n"),
    );
    expect(hpa.issues.map((i) => i.pointer)).toContain("/spec/maxReplicas");
  });
});
