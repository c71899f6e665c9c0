/** Options for `fetchWithRetry`. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Delay before the first retry; doubles each time, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** now, for a `retry-after` given as an HTTP date */
  clock?: () => Date;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** 429 and 5xx are worth retrying; other statuses are the caller's mistake. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Failure of an upstream HTTP API after retries, keeping the last status. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

function retryAfterMs(response: Response, now: () => Date): number | null {
  const header = response.headers.get("retry-after");
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now().getTime());
}

/**
 * `fetch` that retries network errors, 429 and 5xx with exponential backoff and jitter,
 * honouring `retry-after`. Returns the first non-retryable response.
 * @throws UpstreamError when every attempt failed.
 */
export async function fetchWithRetry(url: string, init: RequestInit, options: RetryOptions = {}): Promise<Response> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 20_000;
  const sleep = options.sleep ?? defaultSleep;
  let lastProblem = "";
  let lastStatus: number | null = null;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let waitMs: number | null = null;
    try {
      const response = await fetch(url, init);
      if (!isRetryableStatus(response.status)) return response;
      lastStatus = response.status;
      lastProblem = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
      waitMs = retryAfterMs(response, options.clock ?? (() => new Date()));
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    if (attempt < attempts) {
      const backoff = Math.min(max, base * 2 ** (attempt - 1));
      await sleep(Math.min(max, waitMs ?? backoff * (0.5 + Math.random() / 2)));
    }
  }
  throw new UpstreamError(`${url} failed after ${attempts} attempts: ${lastProblem}`, lastStatus);
}
