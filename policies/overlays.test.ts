import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../app/cli/validate.js";
import { recordingIo } from "../test/helpers/cli-io.js";
import { makeTmpDir, removeTmpDir } from "../test/helpers/tmp.js";
import { validateIac } from "./engine.js";

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: web
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
          image: registry.example.com/web:1.4.2
          securityContext:
            privileged: false
            allowPrivilegeEscalation: false
            runAsNonRoot: true
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
`;

/** A base whose Deployment is fine and two overlays: prod turns the container privileged, dev changes nothing risky. */
const FOLDER: Record<string, string> = {
  "kubernetes/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
  "kubernetes/base/deployment.yaml": DEPLOYMENT,
  "kubernetes/overlays/prod/kustomization.yaml": `namespace: web-prod
resources:
  - ../../base
patches:
  - target:
      group: apps
      version: v1
      kind: Deployment
      name: web
    patch: |
      - op: replace
        path: /spec/template/spec/containers/0/securityContext/privileged
        value: true
`,
  "kubernetes/overlays/dev/kustomization.yaml": "namespace: web-dev\nresources:\n  - ../../base\n",
};

let dir: string;
beforeAll(() => {
  dir = makeTmpDir("atlas-overlay-");
  for (const [path, content] of Object.entries(FOLDER)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
});
afterAll(() => removeTmpDir(dir));

describe("overlays are built and checked", () => {
  it("pnpm validate reports a finding that only the built prod overlay has, naming the overlay and the source file", async () => {
    const { io, printed } = recordingIo();
    const code = await runCli([dir, "--json"], io);
    const report = JSON.parse(printed.stdout);
    const privileged = report.findings.filter((f: { rule_id: string }) => f.rule_id === "K8S_PRIVILEGED");
    expect(privileged).toEqual([
      expect.objectContaining({
        file: "kubernetes/base/deployment.yaml",
        resource: "Deployment/web-prod/web",
        message: expect.stringMatching(/^in overlay kubernetes\/overlays\/prod \(built\): /),
      }),
    ]);
    expect(code).toBe(1);
  });

  it("the base alone does not have it", async () => {
    const base = Object.entries(FOLDER)
      .filter(([path]) => path.startsWith("kubernetes/base/"))
      .map(([path, content]) => ({ path, content }));
    const report = await validateIac(base);
    expect(report.findings.filter((f) => f.rule_id === "K8S_PRIVILEGED")).toEqual([]);
  });

  it("does not repeat for each overlay a finding the files as written already have", async () => {
    // no resource limits in the base: one finding on the base file, none again per overlay
    const files = Object.entries(FOLDER).map(([path, content]) => ({ path, content }));
    const report = await validateIac(files);
    const limits = report.findings.filter((f) => f.rule_id === "K8S_RESOURCE_LIMITS");
    expect(limits.length).toBeGreaterThan(0);
    expect(limits.filter((f) => f.message.startsWith("in overlay"))).toEqual([]);
  });

  it("names an overlay it cannot build instead of passing it", async () => {
    const files = [
      ...Object.entries(FOLDER).map(([path, content]) => ({ path, content })),
      { path: "kubernetes/overlays/qa/kustomization.yaml", content: "resources:\n  - ../../base\nimages:\n  - name: web\n    newTag: '2.0'\n" },
    ];
    const report = await validateIac(files);
    expect(report.findings.filter((f) => f.rule_id === "KUSTOMIZE_NOT_BUILT")).toEqual([
      expect.objectContaining({
        severity: "medium",
        file: "kubernetes/overlays/qa/kustomization.yaml",
        line: 3,
        message: expect.stringContaining("not built: images unsupported"),
      }),
    ]);
  });
});
