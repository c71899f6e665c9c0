/** Latency percentiles in milliseconds. */
export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const round = (value: number) => Number(value.toFixed(2));
  const mean = sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), mean: round(mean) };
}

/** Times `fn` once per input, after `warmup` untimed calls. */
export async function timeEach<T>(inputs: T[], fn: (input: T) => Promise<unknown>, warmup = 10): Promise<number[]> {
  for (const input of inputs.slice(0, warmup)) await fn(input);
  const samples: number[] = [];
  for (const input of inputs) {
    const started = performance.now();
    await fn(input);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Prints rows as an aligned Markdown table. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (!sorted.length) return 0;
  return sorted.length % 2 ? (sorted[middle] as number) : Math.round(((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2);
}

/**
 * Repeated measurements summarised as their median and spread. The spread is min–max, not the
 * IQR: with the 2–5 repetitions a bench can afford, quartiles are just the neighbouring samples.
 */
export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

/** Median (unrounded, unlike `median`) and min–max of `values`; zeros for none. */
export function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return { n: 0, median: 0, min: 0, max: 0 };
  const middle = Math.floor(sorted.length / 2);
  const mid = sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { n: sorted.length, median: mid, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

/** A summary as "median (min–max)" with `digits` decimals, for tables. */
export function formatSummary(summary: Summary, digits = 0): string {
  return `${summary.median.toFixed(digits)} (${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)})`;
}

/** `a / b` to `digits` decimals; null when `b` is zero, so a missing figure cannot pass for a ratio. */
export function ratio(a: number, b: number, digits = 2): number | null {
  return b === 0 ? null : Number((a / b).toFixed(digits));
}

/** One side of a comparison: its name and one measurement of it. */
export interface Arm<R> {
  name: string;
  run: (repetition: number) => Promise<R>;
}

/**
 * Runs every arm once per repetition, arms in the order given (A B A B ...), so a machine
 * that warms up or slows down during the run affects subject and baseline alike instead of
 * whichever ran last. Returns each arm's results in repetition order.
 */
export async function interleaveRepetitions<R>(repetitions: number, arms: Arm<R>[]): Promise<Map<string, R[]>> {
  const results = new Map<string, R[]>(arms.map((arm) => [arm.name, []]));
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const arm of arms) (results.get(arm.name) as R[]).push(await arm.run(repetition));
  }
  return results;
}

/**
 * Times every arm on each input in turn, after `warmup` untimed rounds. The arm that goes
 * first rotates from one input to the next: on the same query the first arm would otherwise
 * always pay for the cold pages the others then find cached. `clock` is passed in for tests.
 */
export async function timeInterleaved<T>(
  inputs: T[],
  arms: { name: string; run: (input: T) => Promise<unknown> }[],
  warmup = 10,
  clock: () => number = () => performance.now(),
): Promise<Map<string, number[]>> {
  for (const input of inputs.slice(0, warmup)) for (const arm of arms) await arm.run(input);
  const samples = new Map<string, number[]>(arms.map((arm) => [arm.name, []]));
  for (let i = 0; i < inputs.length; i++) {
    for (let j = 0; j < arms.length; j++) {
      const arm = arms[(i + j) % arms.length] as (typeof arms)[number];
      const started = clock();
      await arm.run(inputs[i] as T);
      (samples.get(arm.name) as number[]).push(clock() - started);
    }
  }
  return samples;
}
