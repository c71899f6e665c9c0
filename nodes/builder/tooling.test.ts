import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { samplePlans } from "../../test/fixtures/plans/index.js";
import { makeTmpDir, removeTmpDir } from "../../test/helpers/tmp.js";
import { renderArtifacts } from "./engine.js";

/** True when a CLI is on the PATH; these checks run offline and are skipped without the tool. */
function available(command: string, ...args: string[]): boolean {
  return spawnSync(command, args, { stdio: "ignore" }).status === 0;
}

const hasTerraform = available("terraform", "version");
const hasKubectl = available("kubectl", "version", "--client");

describe("artifacts through the real tools (when installed)", () => {
  let root = "";
  beforeAll(() => {
    root = makeTmpDir("atlas-builder-");
    for (const [name, plan] of Object.entries(samplePlans)) {
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

  it.skipIf(!hasKubectl)("`kubectl kustomize` builds the manifests into the objects the files hold", () => {
    for (const [name, plan] of Object.entries(samplePlans)) {
      if (plan.compute.platform === "none") continue;
      const built = execFileSync("kubectl", ["kustomize", join(root, name, "kubernetes")], { encoding: "utf8" });
      const kinds = [...built.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
      expect(kinds, name).toContain("Deployment");
      expect(built, name).toContain(`namespace: ${plan.goal_name}-${plan.environment}`);
    }
  });
});
