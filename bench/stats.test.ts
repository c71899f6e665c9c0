import { describe, expect, it } from "vitest";
import { formatSummary, interleaveRepetitions, percentiles, ratio, summarise, timeInterleaved } from "./stats.js";

describe("summarise", () => {
  it("takes the middle value of an odd count and the min–max spread", () => {
    expect(summarise([30, 10, 20])).toEqual({ n: 3, median: 20, min: 10, max: 30 });
  });

  it("averages the two middle values of an even count without rounding", () => {
    expect(summarise([4, 1, 2, 7])).toEqual({ n: 4, median: 3, min: 1, max: 7 });
    expect(summarise([1, 2]).median).toBe(1.5);
  });

  it("gives zeros for no values", () => {
    expect(summarise([])).toEqual({ n: 0, median: 0, min: 0, max: 0 });
  });

  it("formats as median (min–max)", () => {
    expect(formatSummary({ n: 3, median: 1234.4, min: 1000, max: 1500.6 })).toBe("1234 (1000–1501)");
    expect(formatSummary({ n: 2, median: 1.5, min: 1, max: 2 }, 1)).toBe("1.5 (1.0–2.0)");
  });
});

describe("ratio", () => {
  it("divides and rounds", () => {
    expect(ratio(2, 3)).toBe(0.67);
    expect(ratio(10, 4, 1)).toBe(2.5);
  });

  it("is null over zero", () => {
    expect(ratio(1, 0)).toBeNull();
  });
});

describe("percentiles", () => {
  it("uses nearest rank on the sorted samples", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1, unsorted
    expect(percentiles(samples)).toEqual({ n: 100, p50: 50, p95: 95, p99: 99, mean: 50.5 });
  });
});

describe("interleaveRepetitions", () => {
  it("runs the arms alternately, once each per repetition", async () => {
    const calls: string[] = [];
    const arm = (name: string) => ({
      name,
      run: async (repetition: number) => {
        calls.push(`${name}${repetition}`);
        return repetition * 10;
      },
    });
    const results = await interleaveRepetitions(3, [arm("A"), arm("B")]);
    expect(calls).toEqual(["A0", "B0", "A1", "B1", "A2", "B2"]);
    expect(results.get("A")).toEqual([0, 10, 20]);
    expect(results.get("B")).toEqual([0, 10, 20]);
  });
});

describe("timeInterleaved", () => {
  it("warms up untimed, rotates which arm goes first and times each call with the clock given", async () => {
    let now = 0;
    const calls: string[] = [];
    // each arm advances the fake clock by its own cost, so samples show which arm was timed
    const arm = (name: string, cost: number) => ({
      name,
      run: async (input: number) => {
        calls.push(`${name}${input}`);
        now += cost;
      },
    });
    const samples = await timeInterleaved([1, 2, 3], [arm("A", 1), arm("B", 5), arm("C", 9)], 1, () => now);
    expect(calls).toEqual(["A1", "B1", "C1", "A1", "B1", "C1", "B2", "C2", "A2", "C3", "A3", "B3"]);
    expect(samples.get("A")).toEqual([1, 1, 1]);
    expect(samples.get("B")).toEqual([5, 5, 5]);
    expect(samples.get("C")).toEqual([9, 9, 9]);
  });
});
