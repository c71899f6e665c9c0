import { describe, expect, it } from "vitest";
import { parseArgs } from "./runtime.js";

describe("parseArgs", () => {
  it("separates flags with values, boolean flags and positional arguments", () => {
    const parsed = parseArgs(["docs", "--collection", "ops", "--json", "more", "--top-k=5", "--", "last"], ["json"]);
    expect(parsed.flags).toEqual({ collection: "ops", json: true, "top-k": "5" });
    expect(parsed.positional).toEqual(["docs", "more", "last"]);
  });

  it("refuses a value flag without a value", () => {
    expect(() => parseArgs(["--collection"], [])).toThrow("--collection needs a value");
    expect(() => parseArgs(["--collection", "--json"], ["json"])).toThrow("--collection needs a value");
  });
});
