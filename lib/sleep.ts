/** Waits `ms`, or less when `signal` aborts (then it resolves early; it never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}

/** Exponential backoff: `base` doubled per failure, at most `max`. */
export function backoff(failures: number, base = 100, max = 5_000): number {
  return Math.min(base * 2 ** Math.max(0, failures), max);
}
