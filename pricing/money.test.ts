import { describe, expect, it } from "vitest";
import { roundComponents, toCents } from "./money.js";
import type { RawComponent } from "./types.js";

/** Small seeded generator so the property test is repeatable. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("money", () => {
  it("rounds half a cent up despite binary noise", () => {
    expect(toCents(1.005)).toBe(101);
    expect(toCents(0.045 * 730)).toBe(3285);
    expect(toCents(0.0104 * 730)).toBe(759); // 7.592
    expect(toCents(0.004)).toBe(0);
    expect(toCents(0.005)).toBe(1);
  });

  it("makes rounded components add up to the rounded total, exactly", () => {
    const next = prng(42);
    for (let round = 0; round < 200; round++) {
      const raw: RawComponent[] = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, i) => ({
        name: `c${i}`,
        unit: "hours",
        monthlyQuantity: next() < 0.2 ? null : next() * 5000,
        price: Number((next() * 2).toFixed(5)),
        usageBased: next() < 0.3,
      }));
      const { components, cents } = roundComponents(raw);
      const summed = components.reduce((sum, c) => sum + Math.round((c.monthlyCost ?? 0) * 100), 0);
      expect(summed).toBe(cents);
      for (const [i, c] of components.entries()) {
        const exact = raw[i]?.monthlyQuantity === null ? null : (raw[i]?.monthlyQuantity ?? 0) * (raw[i]?.price ?? 0);
        if (exact === null) expect(c.monthlyCost).toBeNull();
        else expect(Math.abs((c.monthlyCost ?? 0) - exact)).toBeLessThanOrEqual(0.005 + 1e-9);
      }
    }
  });

  it("counts only usage-based items without usage as unpriced", () => {
    const result = roundComponents([
      { name: "a", unit: "GB", monthlyQuantity: null, price: 1, usageBased: true },
      { name: "b", unit: "GB", monthlyQuantity: 2, price: 1, usageBased: true },
      { name: "c", unit: "hours", hourlyQuantity: 1, monthlyQuantity: 730, price: 0.1, usageBased: false },
    ]);
    expect(result.unpricedUsageItems).toBe(1);
    expect(result.cents).toBe(7500);
    expect(result.components[2]).toEqual({
      name: "c",
      unit: "hours",
      hourlyQuantity: 1,
      monthlyQuantity: 730,
      price: 0.1,
      monthlyCost: 73,
      usageBased: false,
    });
  });
});
