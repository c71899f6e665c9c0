import { describe, expect, it } from "vitest";
import { corpusSize, parseSizes } from "./corpus.js";

describe("corpus sizes", () => {
  it("reads k as thousands of chunks, ten per file", () => {
    expect(corpusSize("1k")).toEqual({ label: "1k", chunks: 1000, files: 100 });
    expect(corpusSize("100K")).toEqual({ label: "100k", chunks: 100_000, files: 10_000 });
    expect(corpusSize("500")).toEqual({ label: "500", chunks: 500, files: 50 });
  });

  it("refuses sizes that are not whole files", () => {
    expect(() => corpusSize("1.5k")).toThrow(/corpus size/);
    expect(() => corpusSize("15")).toThrow(/multiple of 10/);
    expect(() => corpusSize("big")).toThrow(/corpus size/);
  });

  it("parses a list smallest first, once each", () => {
    expect(parseSizes("100k,1k,20k,1k").map((size) => size.label)).toEqual(["1k", "20k", "100k"]);
    expect(() => parseSizes(",")).toThrow(/at least one/);
  });
});
