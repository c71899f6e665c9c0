import { describe, expect, it } from "vitest";
import { applyJsonPatch, kustomizeBuild } from "./kustomize-build.js";

describe("kustomize-build (test harness for kustomize build)", () => {
  it("applies RFC 6902 add, remove and replace, with escaped keys and array indexes", () => {
    const doc = { metadata: { labels: { "a/b": "1" } }, list: [{ v: 1 }, { v: 2 }] };
    const out = applyJsonPatch(doc, [
      { op: "replace", path: "/metadata/labels/a~1b", value: "2" },
      { op: "add", path: "/list/1", value: { v: 9 } },
      { op: "remove", path: "/list/0" },
      { op: "add", path: "/list/-", value: { v: 3 } },
      { op: "add", path: "/spec", value: { replicas: 1 } },
    ]);
    expect(out).toEqual({ metadata: { labels: { "a/b": "2" } }, list: [{ v: 9 }, { v: 2 }, { v: 3 }], spec: { replicas: 1 } });
    expect(doc.list).toHaveLength(2);
  });

  it("refuses to replace or remove what does not exist, as the RFC says", () => {
    expect(() => applyJsonPatch({ a: 1 }, [{ op: "replace", path: "/b", value: 1 }])).toThrow(/nothing to replace/);
    expect(() => applyJsonPatch({ a: [] }, [{ op: "remove", path: "/a/0" }])).toThrow(/no element/);
    expect(() => applyJsonPatch({}, [{ op: "move", path: "/a" }])).toThrow(/outside/);
  });

  it("builds an overlay: base resources, patches on their target, then namespace and labels", () => {
    const files = new Map([
      ["base/kustomization.yaml", "resources: [cm.yaml, ns.yaml]\n"],
      ["base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: old }\ndata: { A: x }\n"],
      ["base/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: { name: old }\n"],
      [
        "o/kustomization.yaml",
        [
          "namespace: new",
          "resources: [../base]",
          "labels: [{ pairs: { env: qa }, includeSelectors: false }]",
          "patches:",
          "  - target: { version: v1, kind: ConfigMap, name: c }",
          "    patch: |",
          "      - op: replace",
          "        path: /data/A",
          "        value: y",
          "",
        ].join("\n"),
      ],
    ]);
    expect(kustomizeBuild(files, "o")).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "new", labels: { env: "qa" } }, data: { A: "y" } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "new", labels: { env: "qa" } } },
    ]);
  });

  it("fails on a patch whose target matches nothing", () => {
    const files = new Map([
      ["b/kustomization.yaml", "resources: [cm.yaml]\n"],
      ["b/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n"],
      ["o/kustomization.yaml", "resources: [../b]\npatches:\n  - target: { version: v1, kind: Secret, name: c }\n    patch: '[]'\n"],
    ]);
    expect(() => kustomizeBuild(files, "o")).toThrow(/matches nothing/);
  });
});
