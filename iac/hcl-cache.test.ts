import { parse } from "@cdktn/hcl2json";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { makeHclParseCache } from "./hcl-cache.js";
import { parseTerraform } from "./terraform.js";

// hcl2json itself, with its calls counted
vi.mock("@cdktn/hcl2json", async (original) => {
  const real = await original<typeof import("@cdktn/hcl2json")>();
  return { ...real, parse: vi.fn(real.parse) };
});
const parsedPaths = () => vi.mocked(parse).mock.calls.map(([path]) => path);

const MAIN = `resource "aws_s3_bucket" "logs" {
  bucket = "logs"
  tags = { team = "platform" }
}
`;

describe("HCL parse results reused by content", () => {
  beforeEach(() => {
    vi.mocked(parse).mockClear();
  });

  it("parses an unchanged file once, also under another path, and gives the same result as a fresh parse", async () => {
    const cache = makeHclParseCache();
    const first = await parseTerraform([{ path: "main.tf", content: MAIN }], { cache });
    const again = await parseTerraform(
      [
        { path: "main.tf", content: MAIN },
        { path: "modules/logs/main.tf", content: MAIN },
      ],
      { cache },
    );
    expect(parsedPaths()).toEqual(["main.tf"]);
    const fresh = await parseTerraform([
      { path: "main.tf", content: MAIN },
      { path: "modules/logs/main.tf", content: MAIN },
    ]);
    expect(again).toEqual(fresh);
    expect(first.resources).toEqual(fresh.resources.slice(0, 1));
    expect(again.resources.map((r) => `${r.address}@${r.file}:${r.line}`)).toEqual([
      "aws_s3_bucket.logs@main.tf:1",
      "module.modules/logs.aws_s3_bucket.logs@modules/logs/main.tf:1",
    ]);
  });

  it("hands each caller its own objects: changing a result does not change the next one", async () => {
    const cache = makeHclParseCache();
    const one = await parseTerraform([{ path: "main.tf", content: MAIN }], { cache });
    const attributes = one.resources[0]?.attributes as { bucket: string; tags: Record<string, string>[] | Record<string, string> };
    attributes.bucket = "changed";
    (Array.isArray(attributes.tags) ? (attributes.tags[0] as Record<string, string>) : attributes.tags).team = "changed";
    const two = await parseTerraform([{ path: "main.tf", content: MAIN }], { cache });
    expect(two).toEqual(await parseTerraform([{ path: "main.tf", content: MAIN }]));
    expect(JSON.stringify(two)).not.toContain("changed");
  });

  it("does not keep a failed parse: the error names the path it was given each time", async () => {
    const cache = makeHclParseCache();
    const broken = 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n';
    const a = await parseTerraform([{ path: "a.tf", content: broken }], { cache });
    const b = await parseTerraform([{ path: "b.tf", content: broken }], { cache });
    expect(parsedPaths()).toEqual(["a.tf", "b.tf"]);
    expect(a.errors.map((e) => [e.file, e.line])).toEqual([["a.tf", 2]]);
    expect(b.errors.map((e) => [e.file, e.line])).toEqual([["b.tf", 2]]);
    expect(cache.entries).toBe(0);
  });
});
