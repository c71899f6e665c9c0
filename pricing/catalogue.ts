import { z } from "zod";
import { AtlasError } from "../lib/errors.js";
import apNortheast1 from "./data/ap-northeast-1.json" with { type: "json" };
import apSouth1 from "./data/ap-south-1.json" with { type: "json" };
import apSoutheast1 from "./data/ap-southeast-1.json" with { type: "json" };
import apSoutheast2 from "./data/ap-southeast-2.json" with { type: "json" };
import euCentral1 from "./data/eu-central-1.json" with { type: "json" };
import euWest1 from "./data/eu-west-1.json" with { type: "json" };
import euWest2 from "./data/eu-west-2.json" with { type: "json" };
import usEast1 from "./data/us-east-1.json" with { type: "json" };
import usEast2 from "./data/us-east-2.json" with { type: "json" };
import usWest2 from "./data/us-west-2.json" with { type: "json" };
import { familyPrice } from "./instance-sizes.js";

/** Hours in the billing month every monthly figure assumes (AWS's own convention). */
export const HOURS_PER_MONTH = 730;

const rate = z.number().positive();
const rateTable = z.record(z.string(), rate);

/**
 * Where a section added after the sheet's own date comes from: the same two fields as the
 * sheet (`asOf`, `source`), so every figure says when and where it was read.
 */
const provenance = { asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), source: z.string().min(1) };

/**
 * A compact family table (see `instance-sizes.ts`): the list price of one size and the sizes
 * that exist; every other listed size is priced by its normalisation factor.
 */
const familyRate = z.object({ base: z.string().min(1), hour: rate, sizes: z.array(z.string().min(1)).min(1) }).strict();
const familyTable = z.record(z.string(), familyRate);

/**
 * RDS price tables keyed by what bills them: `postgres`, `mysql` (also MariaDB), `aurora`
 * (Aurora MySQL and PostgreSQL, Standard configuration), `oracle-byol` (Oracle EE and SE2,
 * bring-your-own-license), `oracle-se2-li`, and SQL Server license-included
 * `sqlserver-ex-li`, `sqlserver-web-li`, `sqlserver-se-li`, `sqlserver-ee-li`.
 */
export const RDS_RATE_KEYS = [
  "postgres",
  "mysql",
  "aurora",
  "oracle-byol",
  "oracle-se2-li",
  "sqlserver-ex-li",
  "sqlserver-web-li",
  "sqlserver-se-li",
  "sqlserver-ee-li",
] as const;
export type RdsRateKey = (typeof RDS_RATE_KEYS)[number];
const rdsKeyed = <T extends z.ZodTypeAny>(value: T) => z.partialRecord(z.enum(RDS_RATE_KEYS), value);

/**
 * One region's on-demand list prices in USD. Hourly figures end in `Hour`, monthly ones in
 * `Month`, per-unit ones name their unit (`perMillionRequests`, `per10kApiCalls`, `...Gb`).
 */
export const regionPricesSchema = z
  .object({
    region: z.string().min(1),
    currency: z.literal("USD"),
    /** Identifies the price sheet, echoed in every estimate. */
    priceVersion: z.string().min(1),
    /** Date the figures were transcribed (ISO). */
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** Where the figures come from and what they exclude. */
    source: z.string().min(1),
    hoursPerMonth: z.literal(HOURS_PER_MONTH),
    /** EC2 Linux on-demand, per instance-hour, keyed by instance type; wins over `ec2Families`. */
    ec2: rateTable,
    /** EC2 Linux on-demand for whole families, compactly (one price per family + its sizes). */
    ec2Families: z
      .object({ families: familyTable, ...provenance })
      .strict()
      .optional(),
    fargate: z.object({
      x86_64: z.object({ vcpuHour: rate, gbHour: rate }),
      arm64: z.object({ vcpuHour: rate, gbHour: rate }),
      /** Per GB-hour of ephemeral storage above the free 20 GB. */
      ephemeralGbHour: rate,
      /** Fargate Spot: a variable price, read on `asOf`; Spot runs Linux X86_64 tasks only. */
      spot: z.object({ x86_64: z.object({ vcpuHour: rate, gbHour: rate }), ...provenance }).strict(),
    }),
    eks: z.object({ clusterHour: rate }),
    rds: z.object({
      /** Single-AZ per instance-hour; Multi-AZ runs a standby at the same rate. */
      postgres: rateTable,
      mysql: rateTable,
      storageGbMonth: z.object({ gp2: rate, gp3: rate, io1: rate }),
      io1IopsMonth: rate,
      /** gp3 IOPS above the included baseline (3,000, or 12,000 from 400 GB). */
      gp3IopsMonth: rate,
      /** Backup storage beyond the free allowance (100 % of provisioned storage). */
      backupGbMonth: rate,
    }),
    /**
     * More RDS classes and engines: explicit per-class `tables` (for sizes that are not
     * proportional) and compact `families`, keyed by `RDS_RATE_KEYS`. The tables above win.
     */
    rdsClasses: z
      .object({ tables: rdsKeyed(rateTable), families: rdsKeyed(familyTable), ...provenance })
      .strict()
      .optional(),
    /** RDS storage types added after the sheet: io2 (+ IOPS) and magnetic (`standard`, + I/O). */
    rdsStorage: z
      .object({ io2GbMonth: rate, io2IopsMonth: rate, magneticGbMonth: rate, magneticIoPerMillion: rate, ...provenance })
      .strict()
      .optional(),
    aurora: z.object({
      instances: rateTable,
      serverlessAcuHour: rate,
      storageGbMonth: rate,
      ioPerMillion: rate,
    }),
    elasticache: z.object({
      /** Redis OSS / Memcached per node-hour. */
      nodes: rateTable,
      /** Valkey nodes cost this fraction of the Redis OSS rate. */
      valkeyMultiplier: z.number().positive().max(1),
    }),
    /** ElastiCache node types added after the sheet (older and larger ones), per node-hour. */
    elasticacheNodes: z
      .object({ nodes: rateTable, ...provenance })
      .strict()
      .optional(),
    elb: z.object({ albHour: rate, albLcuHour: rate, nlbHour: rate, nlbLcuHour: rate }),
    /** Gateway Load Balancer: per hour and per GLCU-hour; its endpoints per endpoint-hour and per GB processed. */
    gwlb: z
      .object({ hour: rate, glcuHour: rate, endpointHour: rate, endpointGbProcessed: rate, ...provenance })
      .strict()
      .optional(),
    nat: z.object({ hour: rate, gbProcessed: rate }),
    publicIpv4Hour: rate,
    ebs: z.object({
      storageGbMonth: z.object({ gp2: rate, gp3: rate, io1: rate, st1: rate, sc1: rate }),
      io1IopsMonth: rate,
      /** gp3 IOPS above the free 3,000. */
      gp3IopsMonth: rate,
      /** gp3 throughput above the free 125 MBps. */
      gp3ThroughputMbpsMonth: rate,
    }),
    /**
     * EBS types added after the sheet: io2 (IOPS billed in tiers: up to 32,000, 32,001–64,000,
     * above 64,000 per volume) and magnetic (`standard`, plus I/O requests).
     */
    ebsMore: z
      .object({
        io2GbMonth: rate,
        io2IopsMonth: z.object({ upTo32000: rate, upTo64000: rate, above64000: rate }).strict(),
        standardGbMonth: rate,
        standardIoPerMillion: rate,
        ...provenance,
      })
      .strict()
      .optional(),
    s3: z.object({ standardGbMonth: rate, putPer1k: rate, getPer1k: rate }),
    cloudwatch: z.object({
      alarmMonth: rate,
      highResAlarmMonth: rate,
      logIngestGb: rate,
      logStorageGbMonth: rate,
    }),
    /** CloudWatch metrics (EC2 detailed monitoring bills as custom metrics) and composite alarms. */
    cloudwatchMore: z
      .object({ metricMonth: rate, compositeAlarmMonth: rate, ...provenance })
      .strict()
      .optional(),
    secretsManager: z.object({ secretMonth: rate, per10kApiCalls: rate }),
    kms: z.object({ keyMonth: rate, per10kRequests: rate }),
    dataTransfer: z.object({ internetOutGb: rate }),
    sqs: z.object({ perMillionRequests: rate }),
    sns: z.object({ perMillionRequests: rate }),
    lambda: z.object({ perMillionRequests: rate, gbSecond: rate }),
    cloudfront: z.object({ dataOutGb: rate, per10kHttpsRequests: rate }),
    /** Interface VPC endpoints (PrivateLink): per endpoint per AZ-hour, and per GB processed (first tier). */
    vpcEndpoint: z.object({ interfaceAzHour: rate, gbProcessed: rate, ...provenance }).strict(),
    /** AWS WAF: per web ACL-month, per rule (or managed rule group)-month, per million requests. */
    waf: z.object({ webAclMonth: rate, ruleMonth: rate, perMillionRequests: rate, ...provenance }).strict(),
  })
  .strict();

/** One region's validated price sheet. */
export type RegionPrices = z.infer<typeof regionPricesSchema>;

// Parsed once at load: a malformed data file should fail every import, not one estimate.
const sheets: ReadonlyMap<string, RegionPrices> = new Map(
  [usEast1, euWest1, usWest2, usEast2, euCentral1, euWest2, apSoutheast1, apSoutheast2, apNortheast1, apSouth1].map((raw) => {
    const sheet = regionPricesSchema.parse(raw);
    return [sheet.region, sheet] as const;
  }),
);

/** Regions with a price sheet, sorted. */
export const SUPPORTED_REGIONS: readonly string[] = [...sheets.keys()].sort();

/**
 * The price sheet for `region`.
 * @throws AtlasError `VALIDATION_FAILED` naming the supported regions when there is none.
 */
export function getRegionPrices(region: string): RegionPrices {
  const sheet = sheets.get(region);
  if (!sheet) {
    throw new AtlasError("VALIDATION_FAILED", `No price sheet for region "${region}"; supported regions: ${SUPPORTED_REGIONS.join(", ")}`, {
      issues: [{ path: "region", message: `unsupported region "${region}"` }],
      details: { supportedRegions: SUPPORTED_REGIONS },
    });
  }
  return sheet;
}

/** An hourly rate found in a price sheet, or the reason a reader should see when there is none. */
export type RateLookup = { ok: true; hour: number } | { ok: false; reason: string };

function ownRate(table: Record<string, number> | undefined, key: string): number | undefined {
  return table && Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * EC2 Linux on-demand rate of `instanceType` in `prices`: the explicit `ec2` table first, then
 * the compact `ec2Families` (a size the family does not have stays unpriced).
 */
export function ec2HourlyRate(prices: RegionPrices, instanceType: string): RateLookup {
  const listed = ownRate(prices.ec2, instanceType);
  if (listed !== undefined) return { ok: true, hour: listed };
  const families = prices.ec2Families?.families;
  if (!families) return { ok: false, reason: `EC2 instance type "${instanceType}" is not in the ${prices.region} price sheet` };
  const derived = familyPrice(families, instanceType);
  if (derived.ok) return derived;
  if (derived.reason === "family not listed") {
    return { ok: false, reason: `EC2 instance type "${instanceType}" is not in the ${prices.region} price sheet (its family has no ${prices.region} rate)` };
  }
  return { ok: false, reason: `EC2 instance type "${instanceType}" is not in the ${prices.region} price sheet: ${derived.reason}` };
}

/** The explicit table the original sheet keeps for an RDS rate key, if any. */
function baseRdsTable(prices: RegionPrices, key: RdsRateKey): Record<string, number> | undefined {
  if (key === "postgres") return prices.rds.postgres;
  if (key === "mysql") return prices.rds.mysql;
  if (key === "aurora") return prices.aurora.instances;
  return undefined;
}

/**
 * Hourly rate of RDS class `instanceClass` under rate key `key` (see `RDS_RATE_KEYS`): the
 * sheet's own tables, then `rdsClasses.tables`, then `rdsClasses.families`.
 */
export function rdsHourlyRate(prices: RegionPrices, key: RdsRateKey, instanceClass: string): RateLookup {
  const listed = ownRate(baseRdsTable(prices, key), instanceClass) ?? ownRate(prices.rdsClasses?.tables[key], instanceClass);
  if (listed !== undefined) return { ok: true, hour: listed };
  const families = prices.rdsClasses?.families[key];
  const derived = families ? familyPrice(families, instanceClass) : undefined;
  if (derived?.ok) return derived;
  const detail = derived && derived.reason !== "family not listed" ? `: ${derived.reason}` : "";
  return { ok: false, reason: `RDS ${key} class "${instanceClass}" is not in the ${prices.region} price sheet${detail}` };
}
