import { type Redis, ReplyError } from "ioredis";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RedisTimeBoxError, requestCall, requestTimeoutOf, setRequestTimeout } from "./time-box.js";

// The time box keeps its state on the client object; these tests never send a command, so a
// bare object stands in for the client and promises the test settles stand in for replies.
const client = () => ({}) as Redis;

/** A reply the test sends when it likes. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("requestCall", () => {
  beforeEach(() => {
    // setImmediate stays real: the time box rejects one turn of the event loop after its timer
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers what Redis answers in time; the time box defaults to 250 ms and goes with the client", async () => {
    const redis = client();
    expect(requestTimeoutOf(redis)).toBe(250);
    setRequestTimeout(redis, 100);
    expect(requestTimeoutOf(redis)).toBe(100);
    expect(requestTimeoutOf(client())).toBe(250);
    await expect(requestCall(redis, "GET", async () => "value")).resolves.toBe("value");
    await expect(requestCall(redis, "GET", () => Promise.reject(new ReplyError("WRONGTYPE")))).rejects.toThrow("WRONGTYPE");
  });

  it("gives up after the time box, then skips Redis for a second; one call asks again and an answer ends the pause", async () => {
    const redis = client();
    setRequestTimeout(redis, 100);
    const hung = pending<string>();
    const first = requestCall(redis, "INCRBY", () => hung.promise);
    const outcome = expect(first).rejects.toThrow(new RedisTimeBoxError("INCRBY: no answer from Redis within 100 ms"));
    await vi.advanceTimersByTimeAsync(100);
    await outcome;

    // paused: the call is not even made
    const call = vi.fn(async () => "not asked");
    await expect(requestCall(redis, "MGET", call)).rejects.toThrow(/did not answer within 100 ms moments ago/);
    expect(call).not.toHaveBeenCalled();

    // a second later one call asks again; the others still skip Redis while it waits
    await vi.advanceTimersByTimeAsync(1_000);
    const probe = pending<string>();
    const probing = requestCall(redis, "MGET", () => probe.promise);
    await expect(requestCall(redis, "MGET", call)).rejects.toThrow(/not asked again yet/);
    probe.resolve("back");
    await expect(probing).resolves.toBe("back");
    await expect(requestCall(redis, "MGET", call)).resolves.toBe("not asked");
  });

  it("a late answer to an abandoned call ends the pause at once; a failed connection does not", async () => {
    const redis = client();
    setRequestTimeout(redis, 100);
    const late = pending<string>();
    const abandoned = expect(requestCall(redis, "XADD", () => late.promise)).rejects.toThrow(RedisTimeBoxError);
    await vi.advanceTimersByTimeAsync(100);
    await abandoned;
    late.resolve("1-0");
    await vi.advanceTimersByTimeAsync(0);
    await expect(requestCall(redis, "XADD", async () => "2-0")).resolves.toBe("2-0");

    const lost = pending<string>();
    const cut = expect(requestCall(redis, "XADD", () => lost.promise)).rejects.toThrow(RedisTimeBoxError);
    await vi.advanceTimersByTimeAsync(100);
    await cut;
    lost.reject(new Error("Connection is closed."));
    await vi.advanceTimersByTimeAsync(0);
    await expect(requestCall(redis, "XADD", async () => "3-0")).rejects.toThrow(/moments ago/);
  });
});
