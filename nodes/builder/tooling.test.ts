import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubernetesPlans } from "../../test/fixtures/plans/eks.js";
import { samplePlans } from "../../test/fixtures/plans/index.js";
import { makeTmpDir, removeTmpDir } from "../../test/helpers/tmp.js";
import { renderArtifacts } from "./engine.js";

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

  it.skipIf(!hasKubectl)("`kubectl kustomize` builds the manifests into the workload each plan runs: a CronJob for a schedule, else a Deployment", () => {
    for (const [name, plan] of Object.entries(kubernetesPlans)) {
      const built = execFileSync("kubectl", ["kustomize", join(root, name, "kubernetes")], { encoding: "utf8" });
      const kinds = [...built.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
      const [expected, absent] = plan.compute.schedule ? ["CronJob", "Deployment"] : ["Deployment", "CronJob"];
      expect(kinds, name).toContain(expected);
      expect(kinds, name).not.toContain(absent);
      expect(kinds.includes("HorizontalPodAutoscaler"), name).toBe(!plan.compute.schedule);
      expect(built, name).toContain(`namespace: ${plan.goal_name}-${plan.environment}`);
    }
  });
});
