// @ts-check
/**
 * Live updates by polling: the console asks again every few seconds while a page is open.
 * Not the SSE stream (GET /architect/plan/:id/stream): a browser's EventSource cannot send an
 * Authorization header, and the key must not travel in a URL. Polling stops when the page is
 * left (`stop`), and waits for one answer before asking again, so a slow server is not piled on.
 */

/**
 * Calls `tick` now and then every `ms` until `stop()` or until `tick` returns false.
 * @param {() => Promise<boolean | void>} tick
 * @param {number} ms
 * @returns {() => void} stop
 */
export function every(tick, ms) {
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const run = async () => {
    if (stopped) return;
    let again = true;
    try {
      again = (await tick()) !== false;
    } catch {
      // the page shows its own error; keep following
    }
    if (!stopped && again) timer = setTimeout(run, ms);
  };
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
