import { describe, expect, it } from "vitest";
import { goalNameSchema } from "../../../schemas/goal.js";
import { type ExtractedField, interpretPrompt, slugFor } from "./extract.js";

/** The fields as { path: value }, list paths gathered into arrays. */
function valuesOf(fields: ExtractedField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.path === "constraints" || f.path === "compliance") out[f.path] = [...((out[f.path] as unknown[]) ?? []), f.value];
    else out[f.path] = f.value;
  }
  return out;
}

const fieldAt = (prompt: string, path: string) => interpretPrompt(prompt).fields.find((f) => f.path === path);

describe("interpretPrompt", () => {
  it("reads the issue's example sentence, each value with its span", () => {
    const prompt = "Design a Postgres-backed orders API in eu-west-1, about 800 rps at peak, 99.95 % availability, under $2,000 a month, no Kubernetes";
    const reading = interpretPrompt(prompt);
    expect(valuesOf(reading.fields)).toEqual({
      region: "eu-west-1",
      "workload.type": "web-api",
      "workload.requests_per_second": 800,
      "workload.needs_database": true,
      "slo.availability": 99.95,
      "budget.monthly_usd": 2000,
      constraints: ["no Kubernetes"],
    });
    expect(reading.fields.find((f) => f.path === "budget.monthly_usd")?.from).toBe("$2,000 a month");
    expect(reading.fields.find((f) => f.path === "workload.requests_per_second")?.from).toBe("800 rps");
    expect(reading.name).toBe("orders-api");
    expect(reading.description).toBe(prompt);
    expect(reading.missing.map((m) => m.path)).toEqual(["environment"]);
  });

  it("reads a long prompt: compliance names, relational data, spend, a constraint in the user's words", () => {
    const reading = interpretPrompt(
      "We'd like a design for our ledger service, an internal service other teams call. It keeps about 200 GB of relational data in Postgres, " +
        "roughly 120 requests per second at peak. It must be SOC 2 and ISO 27001 compliant, in eu-central-1 on AWS. We can spend up to $4,500 per month. " +
        "Availability target is 99.95%. No Kubernetes, please — we don't have the people to run it.",
    );
    expect(valuesOf(reading.fields)).toEqual({
      cloud: "aws",
      region: "eu-central-1",
      "workload.type": "internal-service",
      "workload.requests_per_second": 120,
      "workload.data_size_gb": 200,
      "workload.needs_database": true,
      "slo.availability": 99.95,
      "budget.monthly_usd": 4500,
      constraints: ["No Kubernetes"],
      compliance: ["soc2", "iso27001"],
    });
  });

  it("converts rates to per second and sizes to KiB and GiB", () => {
    expect(fieldAt("10k requests per minute", "workload.requests_per_second")?.value).toBe(166.67);
    expect(fieldAt("1.2M messages per day", "workload.messages_per_second")?.value).toBe(13.89);
    expect(fieldAt("8.64m requests a day", "workload.requests_per_second")?.value).toBe(100);
    expect(fieldAt("3,000 messages per minute", "workload.messages_per_second")?.value).toBe(50);
    expect(fieldAt("a worker, payload 2 MB", "workload.payload_kb")?.value).toBe(2048);
    expect(fieldAt("2 TB of clickstream data", "workload.data_size_gb")?.value).toBe(2048);
    // throughput, not what is stored
    expect(fieldAt("ingest 300 GB per day", "workload.data_size_gb")).toBeUndefined();
  });

  it("brings money to a month and says when the currency or the period is assumed", () => {
    expect(fieldAt("$50 per day", "budget.monthly_usd")?.value).toBe(1520.83);
    expect(fieldAt("$24k per year", "budget.monthly_usd")?.value).toBe(2000);
    expect(fieldAt("$9,000 per quarter", "budget.monthly_usd")?.value).toBe(3000);
    const euros = fieldAt("budget of €1500/mo", "budget.monthly_usd");
    expect(euros).toMatchObject({ value: 1500, from: "€1500/mo" });
    expect(euros?.note).toMatch(/currency assumed USD/);
    expect(fieldAt("a budget of $500", "budget.monthly_usd")?.note).toMatch(/taken as per month/);
    // a budget is not a batch schedule
    expect(fieldAt("$50 per day", "workload.runs_per_day")).toBeUndefined();
  });

  it("tells availability from latency and growth", () => {
    const reading = valuesOf(interpretPrompt("orders api, 99.9 % of requests under 300 ms, grows 10% a month").fields);
    expect(reading["slo.availability"]).toBeUndefined();
    expect(reading["slo.p95_latency_ms"]).toBe(300);
    expect(reading["workload.growth_percent_per_month"]).toBe(10);
    expect(fieldAt("four nines", "slo.availability")?.value).toBe(99.99);
    expect(fieldAt("99.9% uptime", "slo.availability")?.value).toBe(99.9);
    expect(fieldAt("must be available 99.9% of the time", "slo.availability")?.value).toBe(99.9);
  });

  it("does not take a negated or an audience place as the region", () => {
    expect(fieldAt("Not in us-east-1 — put it in eu-west-2", "region")?.value).toBe("eu-west-2");
    expect(fieldAt("an API for London customers", "region")).toBeUndefined();
    expect(fieldAt("an API in London", "region")?.value).toBe("eu-west-2");
    expect(fieldAt("in eu-west-1 or eu-central-1", "region")).toBeUndefined();
    // places are AWS regions: not read for another cloud
    expect(fieldAt("on Azure in Frankfurt", "region")).toBeUndefined();
  });

  it("reads a stated absence of a store as false, not as a constraint", () => {
    const reading = valuesOf(interpretPrompt("one small API, no database, no cache, 5 requests per second").fields);
    expect(reading["workload.needs_database"]).toBe(false);
    expect(reading["workload.needs_cache"]).toBe(false);
    expect(reading.constraints).toBeUndefined();
  });

  it("asks instead of guessing when several kinds are named", () => {
    const reading = interpretPrompt("an API and a worker, prod");
    expect(reading.fields.find((f) => f.path === "workload.type")).toBeUndefined();
    expect(reading.missing.find((m) => m.path === "workload.type")).toMatchObject({
      default: "web-api",
      question: "Which kind of workload is it: web-api or worker?",
    });
  });

  it("lists every deciding fact of an empty prompt with a question and a default", () => {
    const reading = interpretPrompt("I want something cheap.");
    expect(reading.fields).toEqual([]);
    expect(reading.missing).toEqual([
      expect.objectContaining({ path: "environment", default: "dev", question: "Which environment is this for: dev, staging or prod?" }),
      expect.objectContaining({ path: "workload.type", default: "web-api" }),
      expect.objectContaining({ path: "slo.availability", default: 99.5 }),
      expect.objectContaining({ path: "budget.monthly_usd", default: 100, question: "What may this cost per month, in USD?" }),
    ]);
  });

  it("sizes the budget default from what was read", () => {
    const budget = interpretPrompt("production API, 800 rps, four nines").missing.find((m) => m.path === "budget.monthly_usd");
    // prod base 1000 × (1 + 800/500) × 2 for four nines = 5200
    expect(budget?.default).toBe(5200);
    expect(budget?.why).toMatch(/prod base 1000/);
  });
});

describe("slugFor", () => {
  it("names the goal after what it builds, always valid for the schema", () => {
    expect(slugFor("Design a Postgres-backed orders API")).toBe("orders-api");
    expect(slugFor("A payments web API with p95 of 250 ms")).toBe("payments-api");
    expect(slugFor("Internal service for HR lookups, four nines")).toBe("hr-service");
    // words of another clause are not the name ("300 ms, staging API")
    expect(slugFor("$50 per day, 99.9 % of requests under 300 ms, staging API")).toBe("api");
    for (const prompt of ["!!", "42 rps", "Ünïcode only", "a", "x".repeat(300)]) {
      expect(goalNameSchema.safeParse(slugFor(prompt)).success, prompt).toBe(true);
    }
  });
});

/** A small deterministic generator (mulberry32), so the property cases are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Phrase makers, each with the one field it states. */
const FRAGMENTS: ((n: number) => [string, string, unknown])[] = [
  (n) => [`${n * 10} rps`, "workload.requests_per_second", n * 10],
  (n) => [`${n * 60} requests per minute`, "workload.requests_per_second", n],
  (n) => [`under $${n * 100} a month`, "budget.monthly_usd", n * 100],
  (n) => [`${n} GB of data`, "workload.data_size_gb", n],
  (n) => [`payloads of ${n} KB`, "workload.payload_kb", n],
  (n) => [`p95 under ${n * 10} ms`, "slo.p95_latency_ms", n * 10],
  (n) => [`grows ${n}% a month`, "workload.growth_percent_per_month", n],
  (n) => [`${n} messages per second`, "workload.messages_per_second", n],
];
const LEADS = ["an orders API", "a queue worker", "a static website", "a nightly ETL pipeline", "an internal service", "something"];
const TAILS = ["production", "staging", "dev", "on AWS", "in Frankfurt", "no Kubernetes", "HIPAA", "99.9 % availability", "keep it in the EU"];

describe("interpretPrompt on generated prompts", () => {
  const next = random(13);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const cases = Array.from({ length: 300 }, () => {
    const stated = [pick(FRAGMENTS), pick(FRAGMENTS)].map((make) => make(1 + Math.floor(next() * 50)));
    const parts = [pick(LEADS), ...stated.map(([text]) => text), pick(TAILS)];
    return { prompt: parts.join(", "), stated };
  });

  it("never reads a value without its span in the prompt, and names each scalar field once", () => {
    for (const { prompt } of cases) {
      const { fields, name } = interpretPrompt(prompt);
      for (const field of fields) expect(prompt.includes(field.from), `${prompt}: ${field.path} from ${field.from}`).toBe(true);
      const scalars = fields.filter((f) => f.path !== "constraints" && f.path !== "compliance").map((f) => f.path);
      expect(new Set(scalars).size, prompt).toBe(scalars.length);
      expect(goalNameSchema.safeParse(name).success, name).toBe(true);
    }
  });

  it("recovers each stated figure", () => {
    for (const { prompt, stated } of cases) {
      const values = valuesOf(interpretPrompt(prompt).fields);
      for (const [, path, value] of stated) {
        // two fragments of the same field: the largest rate is the peak, otherwise the first is read
        const same = stated.filter(([, p]) => p === path).map(([, , v]) => v as number);
        const want = path.endsWith("_per_second") ? Math.max(...same) : same[0];
        expect(values[path], `${prompt}: ${path} (${value})`).toBe(want);
      }
    }
  });
});

describe("interpretPrompt on smaller phrasings", () => {
  it("reads 'availability: 99.9', a currency before the amount, and ignores a negated kind", () => {
    expect(fieldAt("availability: 99.9", "slo.availability")?.value).toBe(99.9);
    expect(fieldAt("budget USD 2000 per month", "budget.monthly_usd")).toMatchObject({ value: 2000, from: "USD 2000 per month" });
    expect(fieldAt("a queue worker, no API Gateway", "workload.type")?.value).toBe("worker");
    expect(fieldAt("Production-grade internal tool", "environment")?.value).toBe("prod");
    expect(fieldAt("pre-prod checkout API", "environment")?.value).toBe("staging");
  });
});
