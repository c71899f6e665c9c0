import { describe, expect, it } from "vitest";
import { type GoalStatementInput, goalStatementSchema } from "../../schemas/goal.js";
import { blockedArithmetic, evaluate, fitBudget } from "./budget-fit.js";
import { intentOf } from "./constraints/intent.js";
import { type Design, initialDesign, sizeDesign } from "./design.js";
import { selectPattern } from "./patterns.js";
import { redundancyFor } from "./redundancy.js";
import { usageCostRisk } from "./risks.js";
import { usageFor } from "./usage.js";

// us-east-1 list prices used below (pricing/data/us-east-1.json, from the AWS pricing pages):
// CloudFront $0.085/GB out (NA/EU first tier) and $0.01 per 10k HTTPS requests; S3 GET $0.0004 per 1k;
// ALB $0.008 per LCU-hour; data out to the internet $0.09/GB (first tier); SQS $0.40 per 1M requests;
// CloudWatch Logs $0.50/GB ingested and $0.03/GB-month stored; NAT $0.045/GB processed.
// A month is 730 h = 2,628,000 s; a GB is 1,048,576 KiB.

function designOf(input: Partial<GoalStatementInput> & Pick<GoalStatementInput, "workload">): Design {
  const goal = goalStatementSchema.parse({
    name: "usage-goal",
    description: "a goal whose usage is priced",
    environment: "prod",
    slo: { availability: 99.9 },
    budget: { monthly_usd: 100_000 },
    ...input,
  });
  return initialDesign(goal, selectPattern(goal), redundancyFor(goal), {}, intentOf([]));
}

const line = (d: Design, id: string) => evaluate(d).bill.breakdown.find((b) => b.component_id === id);

describe("usage priced from the goal's drivers", () => {
  const site = (extra: Partial<GoalStatementInput> = {}) =>
    designOf({ workload: { type: "static-site", requests_per_second: 200, payload_kb: 50 }, environment: "prod", ...extra });

  it("prices a 200 rps × 50 KiB static site's requests and data out (at 100 % average load)", () => {
    const d = site({ usage_assumptions: { average_to_peak_ratio: 1 } });
    // 200 rps × 2,628,000 s = 525,600,000 requests a month.
    // CloudFront requests: 525,600,000 / 10k × $0.01 = $525.60.
    // Data out: 525,600,000 × 50 KiB / 1,048,576 = 25,062.56 GB × $0.085 = $2,130.32 (2,130.3176).
    expect(usageFor(d, sizeDesign(d)).byComponent.cdn).toEqual({ monthly_https_requests: 525_600_000, monthly_data_transfer_gb: 25_062.56 });
    expect(Math.round((line(d, "cdn")?.usage_usd ?? 0) * 100)).toBe(52_560 + 213_032);
    // S3 GETs for the 10 % that miss the cache: 52,560,000 / 1k × $0.0004 = $21.02 (21.024).
    expect(line(d, "site-bucket")?.usage_usd).toBe(21.02);
    expect(evaluate(d).bill.usageCents).toBe(52_560 + 213_032 + 2_102);
  });

  it("prices the same site at the default 30 % average load near the $800 the issue expects", () => {
    const d = site();
    // 60 rps average: 157,680,000 requests → $157.68 of requests;
    // 157,680,000 × 50 / 1,048,576 = 7,518.77 GB × $0.085 = $639.10 (639.09545, half-up);
    // 15,768,000 GETs → $6.31 (6.3072). Sum $803.09.
    const bill = evaluate(d).bill;
    expect(bill.usageCents).toBe(15_768 + 63_910 + 631);
    expect(bill.totalCents).toBe(bill.fixedCents + bill.usageCents);
    expect(bill.usageBased.some((item) => item.startsWith("cdn:"))).toBe(false);
    expect(bill.assumptions.some((a) => a.includes("average load 30 % of the 200 rps peak (default; set usage_assumptions.average_to_peak_ratio)"))).toBe(true);
    expect(line(d, "cdn")?.detail).toContain("usage: Data transfer out (North America, Europe): 7,518.77 GB × $0.085 = $639.10");
    for (const b of bill.breakdown) expect(Math.round((b.fixed_usd + b.usage_usd) * 100)).toBe(Math.round(b.monthly_usd * 100));
  });

  it("prices a 20k-rps public API's LCUs from processed bytes and its data out on the alb line", () => {
    const d = designOf({ workload: { type: "web-api", requests_per_second: 20_000, payload_kb: 8 } });
    const usage = usageFor(d, sizeDesign(d));
    // 6,000 rps average × 2,628,000 s = 15,768,000,000 requests.
    // Processed: × (8 KiB request + 8 KiB response) / 1,048,576 = 240,600.59 GB, 329.59 GB/h, so 329.59 LCUs;
    // new connections 600/s ÷ 25 = 24 LCUs is smaller. 329.59 × 730 = 240,600.59 LCU-hours × $0.008 = $1,924.80.
    // Data out: 15,768,000,000 × 8 / 1,048,576 = 120,300.29 GB × $0.09 = $10,827.03.
    expect(usage.byComponent.alb).toEqual({ monthly_lcu_hours: 240_600.59, monthly_gb: 120_300.29 });
    expect(usage.extraSpecs.alb).toEqual([{ kind: "data-transfer" }]);
    expect(Math.round((line(d, "alb")?.usage_usd ?? 0) * 100)).toBe(192_480 + 1_082_703);
  });

  it("counts LCUs by new connections when requests are small, and sends no internet egress from an internal ALB", () => {
    const d = designOf({
      workload: { type: "internal-service", requests_per_second: 100, payload_kb: 0.5 },
      usage_assumptions: { average_to_peak_ratio: 1 },
    });
    // Processed: 100 rps × 3,600 s × 1 KiB / 1,048,576 = 0.34 GB/h; new connections 10/s ÷ 25 = 0.4 LCU wins.
    // 0.4 × 730 = 292 LCU-hours × $0.008 = $2.34 (2.336).
    const usage = usageFor(d, sizeDesign(d));
    expect(usage.byComponent.alb).toEqual({ monthly_lcu_hours: 292 });
    expect(usage.extraSpecs.alb).toBeUndefined();
    expect(line(d, "alb")?.usage_usd).toBe(2.34);
  });

  it("prices SQS at 5,000 msg/s from requests per message and 64 KiB chunks; the DLQ stays unpriced", () => {
    const small = designOf({ workload: { type: "worker", messages_per_second: 5000 } });
    // 1,500 msg/s average × 2,628,000 s = 3,942,000,000 messages × 3 requests = 11,826,000,000 → 11,826 × $0.40 = $4,730.40.
    expect(line(small, "queue")?.usage_usd).toBe(4730.4);
    expect(evaluate(small).bill.usageBased).toContain("queue-dlq: Requests (1M requests, usage-based)");
    const big = designOf({ workload: { type: "worker", messages_per_second: 5000, payload_kb: 100 } });
    // 100 KiB is two 64 KiB chunks: twice the requests, $9,460.80.
    expect(line(big, "queue")?.usage_usd).toBe(9460.8);
  });

  it("prices log ingestion and NAT data processed, and no NAT usage without NAT egress", () => {
    const d = designOf({ workload: { type: "web-api", requests_per_second: 200, payload_kb: 2 } });
    const s = sizeDesign(d);
    const usage = usageFor(d, s);
    // 60 rps × 2,628,000 = 157,680,000 requests × 1 KiB = 150.38 GB ingested × $0.50 = $75.19;
    // prod keeps logs 90 days: 150.38 / 30.4167 days × 90 = 444.96 GB stored × $0.03 = $13.35 (13.3488).
    expect(usage.byComponent.alarms).toEqual({ monthly_ingested_gb: 150.38, storage_gb: 444.96 });
    const tasks = s.service?.tasks ?? 0;
    // NAT: the logs plus tasks × 20 deploys × 0.5 GB image pulls.
    expect(usage.byComponent.nat?.monthly_data_processed_gb).toBeCloseTo(150.38 + tasks * 10, 2);
    expect(Math.round((line(d, "alarms")?.usage_usd ?? 0) * 100)).toBe(7519 + 1335);
    const noNat = usageFor({ ...d, egress: "public-subnets", natCount: 0 }, s);
    expect(noNat.byComponent.nat).toBeUndefined();
    expect(noNat.notes.nat).toBeUndefined();
  });

  it("uses the goal's usage_assumptions and says they came from the goal", () => {
    const d = designOf({
      workload: { type: "web-api", requests_per_second: 100 },
      usage_assumptions: { average_to_peak_ratio: 0.5, response_kb: 20, log_kb_per_request: 0, requests_per_connection: 100 },
    });
    const usage = usageFor(d, sizeDesign(d));
    // 50 rps × 2,628,000 = 131,400,000 responses × 20 KiB / 1,048,576 = 2,506.26 GB out.
    expect(usage.byComponent.alb?.monthly_gb).toBe(2506.26);
    expect(usage.byComponent.alarms?.monthly_ingested_gb).toBe(0);
    const text = [...usage.assumptions, ...Object.values(usage.notes).flat()].join("\n");
    expect(text).toContain("from usage_assumptions.average_to_peak_ratio");
    expect(text).toContain("from usage_assumptions.response_kb");
    expect(text).toContain("from usage_assumptions.requests_per_connection");
  });

  it("adds only default-assumption usage for a goal without drivers, and says so", () => {
    const d = designOf({ workload: { type: "web-api" } });
    const usage = usageFor(d, sizeDesign(d));
    // The sizing's default is 10 rps: 3 rps average, 7,884,000 requests × 10 KiB = 75.19 GB out.
    expect(usage.byComponent.alb?.monthly_gb).toBe(75.19);
    expect(Object.keys(usage.byComponent).sort()).toEqual(["alarms", "alb", "nat"]);
    expect(usage.assumptions[0]).toBe("peak 10 rps: the goal gives no workload.requests_per_second, so the sizing's default is priced too");
    const notes = Object.values(usage.notes).flat();
    expect(notes.every((n) => n.includes("default; set "))).toBe(true);
    const bill = evaluate(d).bill;
    expect(bill.assumptions).toEqual([...usage.assumptions, ...["alarms", "alb", "nat"].flatMap((id) => usage.notes[id] ?? [])]);
  });

  it("prices a pipeline's image pulls only; its logs and bucket requests stay named as unpriced", () => {
    const d = designOf({ workload: { type: "data-pipeline", data_size_gb: 50, runs_per_day: 4 } });
    const usage = usageFor(d, sizeDesign(d));
    expect(usage.assumptions).toEqual([]);
    expect(Object.keys(usage.byComponent)).toEqual(["nat"]);
    const bill = evaluate(d).bill;
    expect(bill.usageBased).toContain("alarms: Data ingested (GB, usage-based)");
    expect(bill.usageBased).toContain("data-bucket: GET, SELECT and other requests (1k requests, usage-based)");
  });

  it("prices Aurora storage from the sized data and leaves its I/O named as unpriced", () => {
    const base = designOf({ workload: { type: "web-api", requests_per_second: 50, data_size_gb: 100, needs_database: true } });
    const d: Design = { ...base, dbEngine: "aurora-postgresql" };
    const s = sizeDesign(d);
    expect(s.database?.engine).toBe("aurora-postgresql");
    // 100 GB × 1.3 headroom, no growth = 130 GB × $0.10 per GB-month (Aurora Standard) = $13.00.
    expect(usageFor(d, s).byComponent.db).toEqual({ storage_gb: 130 });
    expect(line(d, "db")?.usage_usd).toBe(13);
    expect(evaluate(d).bill.usageBased).toContain("db: I/O requests (1M requests, usage-based)");
  });

  it("says fixed + usage in a blocked plan's arithmetic", () => {
    const fit = fitBudget(site(), 1);
    const short = blockedArithmetic(fit, 100, 100).find((l) => l.startsWith("short by"));
    expect(short).toContain(`usage $803.09`);
  });
});

describe("usage-based-costs risk", () => {
  const bill = (fixedCents: number, usageCents: number, usageBased: string[]) => ({
    ...evaluate(designOf({ workload: { type: "web-api" } })).bill,
    fixedCents,
    usageCents,
    totalCents: fixedCents + usageCents,
    usageBased,
  });

  it("is high when usage is half the total or more", () => {
    expect(usageCostRisk(bill(100, 100, []))?.severity).toBe("high");
    expect(usageCostRisk(bill(100, 100, []))?.title).toContain("Usage is 50.0 % of the total ($1.00 of $2.00)");
  });

  it("is medium from a fifth, or when a traffic line is unpriced; low otherwise", () => {
    expect(usageCostRisk(bill(800, 200, []))?.severity).toBe("medium");
    expect(usageCostRisk(bill(900, 10, ["alb: Load balancer capacity units (LCU-hours, usage-based)"]))?.severity).toBe("medium");
    expect(usageCostRisk(bill(900, 10, ["ecr: image storage (GB-months; not in the price sheet)"]))?.severity).toBe("low");
  });

  it("is absent when nothing is usage-based", () => {
    expect(usageCostRisk(bill(900, 0, []))).toBeNull();
  });
});
