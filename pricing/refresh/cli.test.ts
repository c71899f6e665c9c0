import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../app/cli/prices.js";
import { regionPricesSchema } from "../catalogue.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/offers/", import.meta.url));
const SHIPPED = fileURLToPath(new URL("../data/", import.meta.url));

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function sheetsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "atlas-prices-cli-"));
  dirs.push(dir);
  cpSync(join(SHIPPED, "eu-central-1.json"), join(dir, "eu-central-1.json"));
  return dir;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, "pnpm prices", { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe("pnpm prices", () => {
  it("--help documents the refresh, its offline folder layout and its need for the network", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("refresh [--cloud aws|azure|gcp] --region CODE");
    expect(stdout).toContain("<offerCode>/<region>.csv");
    expect(stdout).toContain("Needs network access");
  });

  it("refresh writes a valid sheet and reports what it refreshed and kept", async () => {
    const out = sheetsDir();
    const { code, stdout } = await run(["refresh", "--region", "eu-central-1", "--source", FIXTURES, "--out", out]);
    expect(code).toBe(0);
    expect(stdout).toContain("eu-central-1: wrote");
    expect(stdout).toContain("kept from the previous sheet: waf");
    const sheet = regionPricesSchema.parse(JSON.parse(readFileSync(join(out, "eu-central-1.json"), "utf8")));
    expect(sheet.ec2["m7g.large"]).toBe(0.0979);
  });

  it("usage errors exit 2: no subcommand, another subcommand, no --region", async () => {
    expect((await run([])).code).toBe(2);
    const other = await run(["update", "--region", "eu-central-1"]);
    expect([other.code, other.stderr]).toEqual([2, expect.stringContaining('unknown subcommand "update"')]);
    const noRegion = await run(["refresh"]);
    expect([noRegion.code, noRegion.stderr]).toEqual([2, expect.stringContaining("--region is required")]);
  });

  it("an unknown region, an unreachable source or a malformed file exits 2 with the reason", async () => {
    const unknown = await run(["refresh", "--region", "mars-north-1", "--source", FIXTURES, "--out", sheetsDir()]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('unknown region code "mars-north-1"')]);
    const missing = await run(["refresh", "--region", "eu-central-1", "--source", join(tmpdir(), "atlas-no-offers-here"), "--out", sheetsDir()]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining("cannot read offer folder")]);
    const badOut = sheetsDir();
    rmSync(join(badOut, "eu-central-1.json"));
    cpSync(join(FIXTURES, "AmazonEKS", "eu-central-1.csv"), join(badOut, "eu-central-1.json"));
    const malformed = await run(["refresh", "--region", "eu-central-1", "--source", FIXTURES, "--out", badOut]);
    expect([malformed.code, malformed.stderr]).toEqual([2, expect.stringContaining("is not a valid price sheet")]);
  });

  it("one region failing does not stop the others, and the exit code says one failed", async () => {
    const out = sheetsDir();
    const { code, stdout, stderr } = await run(["refresh", "--region", "us-west-2", "--region", "eu-central-1", "--source", FIXTURES, "--out", out]);
    expect(code).toBe(2);
    expect(stderr).toContain("error: us-west-2:");
    expect(stdout).toContain("eu-central-1: wrote");
  });
});
