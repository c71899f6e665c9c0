import { describe, expect, it } from "vitest";
import { recordingIo } from "../../test/helpers/cli-io.js";
import { type CliSpec, parseCli } from "./args.js";

const spec = {
  usage: "usage: pnpm thing <path...> [--collection NAME] [--top-k N] [--json]",
  options: { collection: { type: "string" }, "top-k": { type: "string" }, json: { type: "boolean" } },
  minPositionals: 0,
  maxPositionals: Number.POSITIVE_INFINITY,
} satisfies CliSpec<Record<string, { type: "string" | "boolean" }>>;

function cli(argv: string[], overrides: Partial<CliSpec<typeof spec.options>> = {}) {
  const { io, printed } = recordingIo();
  const result = parseCli(argv, { ...spec, ...overrides }, io);
  return { result, ...printed };
}

describe("parseCli", () => {
  it("separates flags with values, boolean flags and positional arguments", () => {
    const { result } = cli(["docs", "--collection", "ops", "--json", "more", "--top-k=5", "--", "last"]);
    if (typeof result === "number") throw new Error(`exited ${result}`);
    expect({ ...result.values }).toEqual({ collection: "ops", json: true, "top-k": "5" });
    expect(result.positionals).toEqual(["docs", "more", "last"]);
  });

  it("refuses a value flag without a value", () => {
    for (const argv of [["--collection"], ["--collection", "--json"]]) {
      const { result, stderr } = cli(argv);
      expect(result).toBe(2);
      expect(stderr).toContain("--collection needs a value");
      expect(stderr).toContain(spec.usage);
    }
  });

  it("refuses an unknown flag with exit 2 and the usage on stderr, instead of ignoring it", () => {
    const { result, stdout, stderr } = cli(["disk", "--topk", "1"]);
    expect(result).toBe(2);
    expect(stderr).toMatch(/^error: unknown option --topk\n/);
    expect(stderr).toContain(spec.usage);
    expect(stdout).toBe("");
    expect(cli(["--json=yes"]).stderr).toContain("--json takes no value");
  });

  it("prints the usage on stdout for --help or -h and exits 0, even beside other mistakes", () => {
    for (const argv of [["--help"], ["-h"], ["docs", "--help"], ["--bogus", "--help"]]) {
      const { result, stdout, stderr } = cli(argv);
      expect(result, argv.join(" ")).toBe(0);
      expect(stdout).toBe(`${spec.usage}\n`);
      expect(stderr).toBe("");
    }
    // after `--`, "--help" is an argument like any other
    const { result } = cli(["docs", "--", "--help"]);
    if (typeof result === "number") throw new Error(`exited ${result}`);
    expect(result.positionals).toEqual(["docs", "--help"]);
  });

  it("checks how many positional arguments there are", () => {
    const few = cli([], { minPositionals: 1 });
    expect(few.result).toBe(2);
    expect(few.stderr).toBe(`${spec.usage}\n`);
    const many = cli(["a", "b"], { minPositionals: 1, maxPositionals: 1 });
    expect(many.result).toBe(2);
    expect(many.stderr).toMatch(/^error: unexpected argument "b"\n/);
    const none = cli(["a"], { minPositionals: 0, maxPositionals: undefined });
    expect(none.result).toBe(2);
  });

  it("drops the leading -- that pnpm run x -- args leaves", () => {
    const { result } = cli(["--", "--json", "docs"]);
    if (typeof result === "number") throw new Error(`exited ${result}`);
    expect(result.values.json).toBe(true);
    expect(result.positionals).toEqual(["docs"]);
  });
});
