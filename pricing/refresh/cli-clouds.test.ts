import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../app/cli/prices.js";
import { rateCardSchema } from "../rate-card.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const SHIPPED = fileURLToPath(new URL("../data/", import.meta.url));

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A data folder holding a copy of one shipped card under `<cloud>/<region>.json`, as pricing/data does. */
function dataDir(cloud: "azure" | "gcp", region: string): string {
  const dir = mkdtempSync(join(tmpdir(), "atlas-prices-cloud-"));
  dirs.push(dir);
  mkdirSync(join(dir, cloud));
  cpSync(join(SHIPPED, cloud, `${region}.json`), join(dir, cloud, `${region}.json`));
  return dir;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, "pnpm prices", { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe("pnpm prices refresh --cloud", () => {
  it("rebuilds an Azure card from recorded Retail Prices API pages, saying what it read and kept", async () => {
    const out = dataDir("azure", "eastus");
    const { code, stdout } = await run(["refresh", "--cloud", "azure", "--region", "eastus", "--source", join(FIXTURES, "azure"), "--out", out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^eastus: wrote .*azure\/eastus\.json \(priceVersion [^)]+\); read \d+ rates, kept \d+/);
    const card = rateCardSchema.parse(JSON.parse(readFileSync(join(out, "azure", "eastus.json"), "utf8")));
    const read = Number(/read (\d+) rates/.exec(stdout)?.[1]);
    expect(read).toBeGreaterThan(0);
    expect(card.source).toMatch(/kept|refreshed|read/i);
  });

  it("rebuilds a Google Cloud card from recorded Catalog pages", async () => {
    const out = dataDir("gcp", "us-central1");
    const { code, stdout } = await run([
      "refresh",
      "--cloud",
      "gcp",
      "--region",
      "us-central1",
      "--source",
      join(FIXTURES, "gcp"),
      "--out",
      out,
      "--api-key",
      "unused-for-folders",
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^us-central1: wrote .*gcp\/us-central1\.json/);
    const card = rateCardSchema.parse(JSON.parse(readFileSync(join(out, "gcp", "us-central1.json"), "utf8")));
    expect(Number(/read (\d+) rates/.exec(stdout)?.[1])).toBeGreaterThan(0);
    expect(card.region).toBe("us-central1");
  });

  it("rejects an unknown cloud and an unreadable source with exit 2, leaving the card as it was", async () => {
    expect((await run(["refresh", "--cloud", "oracle", "--region", "x"])).code).toBe(2);
    const out = dataDir("azure", "westeurope");
    const before = readFileSync(join(out, "azure", "westeurope.json"), "utf8");
    const failed = await run(["refresh", "--cloud", "azure", "--region", "westeurope", "--source", join(out, "no-such-folder"), "--out", out]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^error: /);
    expect(readFileSync(join(out, "azure", "westeurope.json"), "utf8")).toBe(before);
  });
});
