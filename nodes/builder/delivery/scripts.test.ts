import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../../../app/cli/validate.js";
import { eksApiPlan } from "../../../test/fixtures/plans/eks.js";
import { staticSitePlan, webApiProdPlan } from "../../../test/fixtures/plans/index.js";
import { makeContext } from "../context.js";
import { renderArtifacts } from "../engine.js";
import { DELIVERY_ENVIRONMENTS } from "../environments.js";
import { renderDelivery } from "./index.js";
import { validatorEnvironment } from "./layout.js";
import { rollbackCheckout, validatePlan } from "./scripts.js";

type Obj = Record<string, unknown>;

/** Every shell text in a parsed pipeline: GitHub `run`, Azure `script` and AWSShellScript `inlineScript`. */
function shellTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(shellTexts);
  if (node === null || typeof node !== "object") return [];
  const obj = node as Obj;
  const own = ["run", "script", "inlineScript"].map((key) => obj[key]).filter((v): v is string => typeof v === "string");
  return [...own, ...Object.values(obj).flatMap(shellTexts)];
}

describe("delivery shell scripts", () => {
  it("are valid bash, in every pipeline the builder writes", () => {
    for (const plan of [eksApiPlan, webApiProdPlan, staticSitePlan]) {
      const paths = renderArtifacts(plan).files.map((f) => f.path);
      for (const file of renderDelivery(makeContext(plan), paths).filter((f) => f.path.startsWith("pipelines/"))) {
        const texts = shellTexts(parse(file.content));
        expect(texts.length).toBeGreaterThan(0);
        for (const text of texts) {
          const check = spawnSync("bash", ["-n"], { input: text, encoding: "utf8" });
          expect(check.stderr, `${file.path}:\n${text}`).toBe("");
          expect(check.status).toBe(0);
        }
      }
    }
  });

  it("call atlas validate with arguments the real CLI accepts, for every environment", async () => {
    const planJson = join(import.meta.dirname, "../../../test/fixtures/iac/plan-json/modules-count/plan.json");
    const command = validatePlan()
      .split("\n")
      .find((line) => line.startsWith("docker run"));
    const args = (command ?? "").split(" atlas validate ")[1]?.trim().split(/\s+/) ?? [];
    expect(args).toEqual(["/plan/plan.json", "--env", '"$ATLAS_VALIDATOR_ENV"']);
    for (const env of new Set(DELIVERY_ENVIRONMENTS.map(validatorEnvironment))) {
      const argv = args.map((arg) => (arg === "/plan/plan.json" ? planJson : arg === '"$ATLAS_VALIDATOR_ENV"' ? env : arg));
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, "atlas validate");
      // 2 is a usage or input error; 0 and 1 are PASS and FAIL of a plan that was read
      expect(err.join("")).toBe("");
      expect([0, 1]).toContain(code);
      expect(out.join("")).toMatch(/PASS|FAIL/);
    }
  });
});

describe("rollbackCheckout, in a real git repository", () => {
  const root = mkdtempSync(join(tmpdir(), "atlas-rollback-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync("git", ["-C", root, ...args], { encoding: "utf8" }).trim();
  const planDir = join(root, "plans", "acme", "plan-1");
  const commitFile = (path: string, content: string, message: string) => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, content);
    git("add", "-A");
    git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", message);
    return git("rev-parse", "HEAD");
  };
  const run = (env: Record<string, string> = {}) =>
    spawnSync("bash", ["-e", "-c", rollbackCheckout()], { cwd: planDir, encoding: "utf8", env: { ...process.env, ...env } });

  git("init", "-q", "-b", "main");
  const first = commitFile(join(planDir, "terraform", "main.tf"), "# v1\n", "plan v1");
  const second = commitFile(join(planDir, "terraform", "main.tf"), "# v2\n", "plan v2");
  commitFile(join(root, "plans", "acme", "other", "main.tf"), "# other plan\n", "another plan");

  it("checks out the commit before the plan folder's last change, ignoring other folders' commits", () => {
    const result = run();
    expect(result.status).toBe(0);
    expect(git("rev-parse", "HEAD")).toBe(first);
    git("checkout", "-q", "main");
  });

  it("checks out ROLLBACK_TO when given", () => {
    const result = run({ ROLLBACK_TO: second });
    expect(result.status).toBe(0);
    expect(git("rev-parse", "HEAD")).toBe(second);
    git("checkout", "-q", "main");
  });

  it("fails, and says why, when the plan folder has no earlier version", () => {
    git("checkout", "-q", first);
    const result = run();
    expect(result.status).not.toBe(0);
    expect(git("rev-parse", "HEAD")).toBe(first);
    git("checkout", "-q", "main");
  });
});
