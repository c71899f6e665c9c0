import { afterEach, describe, expect, it, vi } from "vitest";
import { makeLocalRateLimiter } from "./rate-limit.js";
import { hasRole, parseRoles } from "./roles.js";

describe("local fixed-window rate limiter", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("allows `limit` hits per window per key, then refuses until the window ends", async () => {
    // RateLimiterMemory reads Date.now() and sets timers itself: its time is moved with fake timers
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = makeLocalRateLimiter({ limit: 2, windowSeconds: 60 });
    expect(await limiter.hit("a")).toEqual({ allowed: true, limit: 2, remaining: 1, resetMs: 60_000 });
    vi.advanceTimersByTime(10_000);
    expect(await limiter.hit("a")).toMatchObject({ allowed: true, remaining: 0, resetMs: 50_000 });
    expect(await limiter.hit("a")).toMatchObject({ allowed: false, remaining: 0, resetMs: 50_000 });
    expect(await limiter.hit("b")).toMatchObject({ allowed: true, remaining: 1 });
    vi.advanceTimersByTime(50_000);
    expect(await limiter.hit("a")).toMatchObject({ allowed: true, remaining: 1, resetMs: 60_000 });
  });
});

describe("roles", () => {
  it("each role includes the ones before it; admin includes all", () => {
    expect(hasRole(["admin"], "approver")).toBe(true);
    expect(hasRole(["approver"], "planner")).toBe(true);
    expect(hasRole(["planner"], "approver")).toBe(false);
    expect(hasRole(["viewer"], "planner")).toBe(false);
    expect(hasRole(["viewer", "approver"], "admin")).toBe(false);
  });

  it("parses a comma list and names an unknown role", () => {
    expect(parseRoles("planner, approver,planner")).toEqual(["planner", "approver"]);
    expect(() => parseRoles("root")).toThrow(/unknown role "root"/);
    expect(() => parseRoles(" , ")).toThrow(/no role/);
  });
});
