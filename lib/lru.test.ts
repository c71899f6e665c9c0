import { describe, expect, it } from "vitest";
import { makeLru } from "./lru.js";

describe("makeLru", () => {
  it("drops the least recently used entry past the entry limit, counting a get as a use", () => {
    const lru = makeLru<number>({ maxEntries: 2, maxSize: 100 });
    lru.set("a", 1, 1);
    lru.set("b", 2, 1);
    expect(lru.get("a")).toBe(1);
    lru.set("c", 3, 1);
    expect(lru.has("a")).toBe(true);
    expect(lru.has("b")).toBe(false);
    expect(lru.get("c")).toBe(3);
    expect(lru.entries).toBe(2);
  });

  it("keeps the total size within bounds, replaces a key's size and refuses a value larger than the bound", () => {
    const lru = makeLru<string>({ maxEntries: 10, maxSize: 10 });
    lru.set("a", "a", 4);
    lru.set("b", "b", 4);
    lru.set("a", "A", 5);
    expect(lru.size).toBe(9);
    lru.set("c", "c", 3);
    expect(lru.has("b")).toBe(false);
    expect(lru.get("a")).toBe("A");
    expect(lru.size).toBe(8);
    lru.set("huge", "x", 11);
    expect(lru.has("huge")).toBe(false);
    expect(lru.size).toBe(8);
  });
});
