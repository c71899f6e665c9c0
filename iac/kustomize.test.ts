import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { renderArtifacts } from "../nodes/builder/engine.js";
import { kubernetesPlans } from "../test/fixtures/plans/eks.js";
import { samplePlans } from "../test/fixtures/plans/index.js";
import { makeTmpDir, removeTmpDir } from "../test/helpers/tmp.js";
import { applyJsonPatch, buildKustomization, buildOverlays, KustomizeError } from "./kustomize.js";

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: base-ns
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: web:1.0
`;

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web
data:
  LEVEL: info
`;

const BASE = {
  "base/kustomization.yaml": "resources:\n  - deployment.yaml\n  - configmap.yaml\n",
  "base/deployment.yaml": DEPLOYMENT,
  "base/configmap.yaml": CONFIGMAP,
};

const byKind = (objects: { kind: string; object: Record<string, unknown> }[], kind: string) => objects.find((o) => o.kind === kind)?.object;

/** A nested value: `at(o, "spec", "replicas")`; undefined when a step is missing. */
function at(value: unknown, ...keys: (string | number)[]): unknown {
  let current = value;
  for (const key of keys) current = typeof current === "object" && current !== null ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

describe("buildKustomization", () => {
  it("loads resources from files and folders, then patches, sets the namespace and adds labels", () => {
    const overlay = `namespace: prod
resources:
  - ../../base
  - extra.yaml
labels:
  - pairs:
      env: prod
    includeSelectors: false
patches:
  - target:
      group: apps
      version: v1
      kind: Deployment
      name: web
    patch: |
      - op: replace
        path: /spec/replicas
        value: 5
      - op: add
        path: /spec/template/spec/containers/0/securityContext
        value:
          privileged: true
  - target:
      kind: ConfigMap
    patch: |
      - op: remove
        path: /data/LEVEL
`;
    const objects = buildKustomization(
      files({
        ...BASE,
        "overlays/prod/kustomization.yaml": overlay,
        "overlays/prod/extra.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: anything\n",
      }),
      "overlays/prod",
    );
    expect(objects.map((o) => `${o.kind} ${o.namespace} ${o.name} ${o.file}`)).toEqual([
      "Deployment prod web base/deployment.yaml",
      "ConfigMap prod web base/configmap.yaml",
      // kustomize renames the one Namespace object to the overlay's namespace
      "Namespace null prod overlays/prod/extra.yaml",
    ]);
    const deployment = byKind(objects, "Deployment");
    expect(at(deployment, "spec", "replicas")).toBe(5);
    expect(at(deployment, "spec", "template", "spec", "containers", 0, "securityContext")).toEqual({ privileged: true });
    expect(at(deployment, "metadata", "labels")).toEqual({ app: "web", env: "prod" });
    // includeSelectors: false leaves selectors and pod templates alone
    expect(at(deployment, "spec", "selector", "matchLabels")).toEqual({ app: "web" });
    expect(at(deployment, "spec", "template", "metadata", "labels")).toEqual({ app: "web" });
    expect(at(byKind(objects, "ConfigMap"), "data")).toEqual({});
  });

  it("does not change the files it read: each build works on a copy", () => {
    const input = files({
      ...BASE,
      "o/kustomization.yaml": "resources: [../base]\npatches:\n  - target: {kind: ConfigMap}\n    patch: '[{op: replace, path: /data/LEVEL, value: debug}]'\n",
    });
    const first = buildKustomization(input, "o");
    const second = buildKustomization(input, "base");
    expect(at(byKind(first, "ConfigMap"), "data", "LEVEL")).toBe("debug");
    expect(at(byKind(second, "ConfigMap"), "data", "LEVEL")).toBe("info");
  });

  it("matches patch targets as kustomize does: absent fields match anything, names are anchored regular expressions", () => {
    const input = files({
      ...BASE,
      "o/kustomization.yaml":
        "resources: [../base]\npatches:\n  - target: {name: 'we.*'}\n    patch: '[{op: add, path: /metadata/annotations, value: {seen: \"yes\"}}]'\n  - target: {name: 'e'}\n    patch: '[{op: add, path: /metadata/labels, value: {never: \"x\"}}]'\n",
    });
    const objects = buildKustomization(input, "o");
    expect(objects.map((o) => at(o.object, "metadata", "annotations"))).toEqual([{ seen: "yes" }, { seen: "yes" }]);
    expect(objects.map((o) => at(o.object, "metadata", "labels", "never"))).toEqual([undefined, undefined]);
  });

  it("points ServiceAccount subjects named default at the namespace, and leaves cluster-scoped kinds without one", () => {
    const binding =
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}\nsubjects:\n  - {kind: ServiceAccount, name: default}\n  - {kind: ServiceAccount, name: app, namespace: other}\n";
    const objects = buildKustomization(files({ "kustomization.yaml": "namespace: team\nresources: [b.yaml]\n", "b.yaml": binding }), "");
    const [only] = objects;
    expect(only?.namespace).toBeNull();
    expect(only?.object.subjects).toEqual([
      { kind: "ServiceAccount", name: "default", namespace: "team" },
      { kind: "ServiceAccount", name: "app", namespace: "other" },
    ]);
  });

  it.each([
    [
      "a strategic-merge patch",
      "resources: [../base]\npatches:\n  - patch: |\n      apiVersion: v1\n      kind: ConfigMap\n      metadata: {name: web}\n      data: {A: b}\n",
      "strategic-merge patch unsupported",
    ],
    ["patchesStrategicMerge", "resources: [../base]\npatchesStrategicMerge: [p.yaml]\n", "patchesStrategicMerge unsupported"],
    ["a generator", "resources: [../base]\nconfigMapGenerator:\n  - name: x\n    literals: [A=b]\n", "configMapGenerator unsupported"],
    ["images", "resources: [../base]\nimages:\n  - name: web\n    newTag: '2'\n", "images unsupported"],
    ["labels with selectors", "resources: [../base]\nlabels:\n  - pairs: {a: b}\n    includeSelectors: true\n", "includeSelectors unsupported"],
    ["a remote base", "resources: [https://github.com/org/repo//base?ref=v1]\n", "remote resource"],
    ["a label selector target", "resources: [../base]\npatches:\n  - target: {labelSelector: 'app=web'}\n    patch: '[]'\n", "labelSelector unsupported"],
  ])("refuses %s as unsupported, naming it", (_, kustomization, named) => {
    try {
      buildKustomization(files({ ...BASE, "o/kustomization.yaml": kustomization }), "o");
      expect.unreachable("built an overlay it cannot build faithfully");
    } catch (error) {
      expect(error).toBeInstanceOf(KustomizeError);
      expect((error as KustomizeError).unsupported).toBe(true);
      expect((error as KustomizeError).message).toMatch(/^not built: /);
      expect((error as KustomizeError).message).toContain(named);
    }
  });

  it.each([
    ["a missing resource", "resources: [../base, gone.yaml]\n", "gone.yaml not found"],
    [
      "a patch past the end of a list",
      "resources: [../base]\npatches:\n  - target: {kind: Deployment}\n    patch: '[{op: replace, path: /spec/template/spec/containers/3/image, value: x}]'\n",
      "containers/3",
    ],
    [
      "a removal of nothing",
      "resources: [../base]\npatches:\n  - target: {kind: ConfigMap}\n    patch: '[{op: remove, path: /data/NOPE}]'\n",
      "nothing to remove",
    ],
  ])("fails on %s as kustomize would (an error, not an unsupported feature)", (_, kustomization, named) => {
    try {
      buildKustomization(files({ ...BASE, "o/kustomization.yaml": kustomization }), "o");
      expect.unreachable("built an overlay kustomize refuses");
    } catch (error) {
      expect(error).toBeInstanceOf(KustomizeError);
      expect((error as KustomizeError).unsupported).toBe(false);
      expect((error as KustomizeError).message).toContain(named);
    }
  });
});

describe("applyJsonPatch", () => {
  it("applies add (with - for the end of a list), replace, remove, copy, move and test", () => {
    const doc = { a: [1, 2], b: { c: "x" } };
    const out = applyJsonPatch(doc, [
      { op: "add", path: "/a/-", value: 3 },
      { op: "add", path: "/a/0", value: 0 },
      { op: "replace", path: "/b/c", value: "y" },
      { op: "copy", from: "/b/c", path: "/d" },
      { op: "move", from: "/d", path: "/e" },
      { op: "test", path: "/e", value: "y" },
      { op: "remove", path: "/a/1" },
    ]);
    expect(out).toEqual({ a: [0, 2, 3], b: { c: "y" }, e: "y" });
    expect(doc).toEqual({ a: [1, 2], b: { c: "x" } });
  });

  it("decodes ~1 and ~0 in paths (label keys with slashes)", () => {
    expect(applyJsonPatch({ labels: {} }, [{ op: "add", path: "/labels/app.kubernetes.io~1name", value: "w" }])).toEqual({
      labels: { "app.kubernetes.io/name": "w" },
    });
  });

  it("fails a test that does not hold", () => {
    expect(() => applyJsonPatch({ a: 1 }, [{ op: "test", path: "/a", value: 2 }])).toThrow(/test \/a failed/);
  });
});

describe("buildOverlays", () => {
  it("builds the kustomizations nothing else uses, and reports the ones it cannot build", () => {
    const builds = buildOverlays([
      ...Object.entries(BASE).map(([path, content]) => ({ path, content })),
      { path: "overlays/dev/kustomization.yaml", content: "resources: [../../base]\nnamespace: dev\n" },
      { path: "overlays/prod/kustomization.yaml", content: "resources: [../../base]\nimages: [{name: web, newTag: '2'}]\n" },
    ]);
    expect(builds.map((b) => [b.dir, "objects" in b ? b.objects.length : b.error.message])).toEqual([
      ["overlays/dev", 2],
      ["overlays/prod", "not built: images unsupported (overlays/prod/kustomization.yaml)"],
    ]);
  });
});

// ------------------------------------------------------------------------------------------
// The same overlays through the real kustomize (kubectl kustomize), when kubectl is installed.
// ------------------------------------------------------------------------------------------

const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
const hasKubectl = kubectl.status === 0 && /Kustomize Version/.test(kubectl.stdout);
if (!hasKubectl) console.warn("iac/kustomize.test.ts: kubectl (with kustomize) is not installed: the comparison with `kubectl kustomize` is skipped");

describe.skipIf(!hasKubectl)("buildOverlays gives what kubectl kustomize gives, on every fixture plan's overlays", () => {
  const root = makeTmpDir("atlas-kustomize-");
  afterAll(() => removeTmpDir(root));
  const key = (o: Record<string, unknown>) => `${o.apiVersion} ${o.kind} ${at(o, "metadata", "namespace") ?? ""} ${at(o, "metadata", "name")}`;
  const sorted = (objects: Record<string, unknown>[]) => [...objects].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

  const cases = Object.entries({ ...samplePlans, ...kubernetesPlans }).flatMap(([name, plan]) => {
    const written = renderArtifacts(plan)
      .files.filter((f) => f.kind === "kubernetes")
      .map(({ path, content }) => ({ path, content }));
    return buildOverlays(written).map((build) => ({ name, build, written }));
  });

  it("has overlays to compare", () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  it.each(cases.map((c) => [`${c.name} ${c.build.dir}`, c] as const))("%s", (_, { name, build, written }) => {
    if (!("objects" in build)) throw build.error;
    const dir = join(root, name);
    for (const file of written) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.content);
    }
    const output = execFileSync("kubectl", ["kustomize", join(dir, build.dir)], { encoding: "utf8" });
    const expected = parseAllDocuments(output).map((doc) => doc.toJS() as Record<string, unknown>);
    expect(sorted(build.objects.map((o) => o.object))).toEqual(sorted(expected));
  });
});
