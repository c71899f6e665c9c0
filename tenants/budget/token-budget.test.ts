import { describe, expect, it } from "vitest";
import { createLogger } from "../../lib/log.js";
import { localCounters } from "./counters.js";
import type { BudgetLimitStore } from "./limits.js";
import { makeTokenBudget } from "./token-budget.js";

const log = createLogger("silent");
const clock = () => new Date();

describe("token budget arithmetic (in-process counters)", () => {
  const limits = (per_run: number, daily: number): BudgetLimitStore => ({
    get: async () => ({ per_run, daily }),
    set: async () => {},
    flush: () => {},
  });

  it("reports each 80 % and 100 % crossing once, and stops at 100 %", async () => {
    const budget = makeTokenBudget({ limits: limits(10_000, 1_000), counters: localCounters(clock), clock, log });
    const scope = { tenant: "acme", run: "r1" };
    expect(await budget.charge(scope, 700)).toEqual([]);
    expect((await budget.check(scope)).allowed).toBe(true);
    expect(await budget.charge(scope, 200)).toEqual([
      { kind: "tokens", scope: "daily", tenant: "acme", used: 900, limit: 1_000, threshold: 80, exhausted: false },
    ]);
    expect(await budget.charge(scope, 50)).toEqual([]);
    expect(await budget.charge(scope, 100)).toEqual([
      { kind: "tokens", scope: "daily", tenant: "acme", used: 1_050, limit: 1_000, threshold: 100, exhausted: true },
    ]);
    const check = await budget.check({ tenant: "acme", run: "r2" });
    expect(check).toMatchObject({ allowed: false, exhausted: "daily", used: { run: 0, daily: 1_050 } });
    expect(check.reason).toBe("tenant acme used 1050 of its 1000 tokens today (DAILY_TOKEN_BUDGET)");
    expect((await budget.check({ tenant: "other", run: "r3" })).allowed).toBe(true);
  });

  it("the daily counter starts again on the next UTC day", async () => {
    let now = new Date("2025-03-01T23:59:00Z");
    const budget = makeTokenBudget({ limits: limits(10_000, 1_000), counters: localCounters(() => now), clock: () => now, log });
    await budget.charge({ tenant: "acme", run: "r1" }, 1_000);
    expect((await budget.check({ tenant: "acme", run: "r2" })).allowed).toBe(false);
    now = new Date("2025-03-02T00:00:01Z");
    expect((await budget.check({ tenant: "acme", run: "r2" })).allowed).toBe(true);
  });
});
