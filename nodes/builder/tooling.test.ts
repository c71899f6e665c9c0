import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { kubernetesPlans } from "../../test/fixtures/plans/eks.js";
import { samplePlans } from "../../test/fixtures/plans/index.js";
import { fileMap, kustomizeBuild } from "../../test/helpers/kustomize-build.js";
import { makeTmpDir, removeTmpDir } from "../../test/helpers/tmp.js";
import { renderArtifacts } from "./engine.js";
import { DELIVERY_ENVIRONMENTS, DELIVERY_PATHS } from "./environments.js";

/** True when a CLI is on the PATH; these checks run offline and are skipped without the tool. */
function available(command: string, ...args: string[]): boolean {
  return spawnSync(command, args, { stdio: "ignore" }).status === 0;
}

const hasTerraform = available("terraform", "version");
const hasKubectl = available("kubectl", "version", "--client");

/** The sample plans plus the Kubernetes variants (an EKS API and an EKS pipeline). */
const allPlans = { ...samplePlans, ...kubernetesPlans };

describe("artifacts through the real tools (when installed)", () => {
  let root = "";
  beforeAll(() => {
    root = makeTmpDir("atlas-builder-");
    for (const [name, plan] of Object.entries(allPlans)) {
      for (const file of renderArtifacts(plan).files) {
        const path = join(root, name, file.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.content);
      }
    }
  });
  afterAll(() => removeTmpDir(root));

  it.skipIf(!hasTerraform)("Terraform is already `terraform fmt` formatted", () => {
    for (const name of Object.keys(samplePlans)) {
      const result = spawnSync("terraform", ["fmt", "-check", "-diff", "-no-color", join(root, name, "terraform")], {
        encoding: "utf8",
        env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" },
      });
      expect(result.stdout, name).toBe("");
      expect(result.status, name).toBe(0);
    }
  });

  it("renders a kubernetes/ folder only for the designs that run on EKS", () => {
    for (const [name, plan] of Object.entries(allPlans)) expect(existsSync(join(root, name, "kubernetes")), name).toBe(plan.compute.platform === "eks");
  });

  it.skipIf(!hasKubectl)("`kubectl kustomize` builds every overlay into the workload each plan runs: a CronJob for a schedule, else a Deployment", () => {
    for (const [name, plan] of Object.entries(kubernetesPlans)) {
      for (const env of DELIVERY_ENVIRONMENTS) {
        const built = execFileSync("kubectl", ["kustomize", join(root, name, DELIVERY_PATHS.overlay(env))], { encoding: "utf8" });
        const kinds = [...built.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
        const [expected, absent] = plan.compute.schedule ? ["CronJob", "Deployment"] : ["Deployment", "CronJob"];
        expect(kinds, `${name} ${env}`).toContain(expected);
        expect(kinds, `${name} ${env}`).not.toContain(absent);
        // dev runs one pod without an autoscaler; the other environments of a service scale on CPU.
        expect(kinds.includes("HorizontalPodAutoscaler"), `${name} ${env}`).toBe(!plan.compute.schedule && env !== "dev");
        expect(built, `${name} ${env}`).toContain(`namespace: ${plan.goal_name}-${env}`);
      }
    }
  });

  it.skipIf(!hasKubectl)("the test harness builds each overlay exactly as `kubectl kustomize` does", () => {
    for (const [name, plan] of Object.entries(kubernetesPlans)) {
      const files = fileMap(renderArtifacts(plan).files);
      for (const env of DELIVERY_ENVIRONMENTS) {
        const built = execFileSync("kubectl", ["kustomize", join(root, name, DELIVERY_PATHS.overlay(env))], { encoding: "utf8" });
        const real = parseAllDocuments(built).map((d) => d.toJS() as Record<string, unknown>);
        const harness = kustomizeBuild(files, DELIVERY_PATHS.overlay(env));
        const key = (o: Record<string, unknown>) => `${o.kind}/${(o.metadata as { name: string }).name}`;
        expect(harness.map(key).sort(), `${name} ${env}`).toEqual(real.map(key).sort());
        for (const object of real)
          expect(
            harness.find((o) => key(o) === key(object)),
            `${name} ${env} ${key(object)}`,
          ).toEqual(object);
      }
    }
  });
});
