/** A least-recently-used cache bounded by entry count and by total size (each entry's size as its caller counts it). */
export interface Lru<V> {
  /** The value, now the most recently used; undefined when absent. */
  get(key: string): V | undefined;
  has(key: string): boolean;
  /** Adds or replaces a value, then drops the least recently used until within bounds. A value larger than `maxSize` is not kept. */
  set(key: string, value: V, size: number): void;
  readonly entries: number;
  /** the sum of the kept entries' sizes */
  readonly size: number;
}

/**
 * A bounded LRU on a `Map` (which keeps insertion order: re-inserting on use moves a key to the
 * end, so the first key is always the least recently used). For in-process caches of derived
 * values that are cheap to lose: nothing is ever stale, only forgotten.
 */
export function makeLru<V>(limits: { maxEntries: number; maxSize: number }): Lru<V> {
  const map = new Map<string, { value: V; size: number }>();
  let total = 0;
  const drop = (key: string) => {
    const entry = map.get(key);
    if (!entry) return;
    map.delete(key);
    total -= entry.size;
  };
  return {
    get(key) {
      const entry = map.get(key);
      if (!entry) return undefined;
      map.delete(key);
      map.set(key, entry);
      return entry.value;
    },
    has: (key) => map.has(key),
    set(key, value, size) {
      drop(key);
      if (size > limits.maxSize || limits.maxEntries < 1) return;
      map.set(key, { value, size });
      total += size;
      for (const oldest of map.keys()) {
        if (map.size <= limits.maxEntries && total <= limits.maxSize) break;
        drop(oldest);
      }
    },
    get entries() {
      return map.size;
    },
    get size() {
      return total;
    },
  };
}
