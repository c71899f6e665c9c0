import { z } from "zod";
import { AtlasError } from "../lib/errors.js";
import euWest1 from "./data/eu-west-1.json" with { type: "json" };
import usEast1 from "./data/us-east-1.json" with { type: "json" };
import usWest2 from "./data/us-west-2.json" with { type: "json" };

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
    /** EC2 Linux on-demand, per instance-hour, keyed by instance type. */
    ec2: rateTable,
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
    elb: z.object({ albHour: rate, albLcuHour: rate, nlbHour: rate, nlbLcuHour: rate }),
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
    s3: z.object({ standardGbMonth: rate, putPer1k: rate, getPer1k: rate }),
    cloudwatch: z.object({
      alarmMonth: rate,
      highResAlarmMonth: rate,
      logIngestGb: rate,
      logStorageGbMonth: rate,
    }),
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
  [usEast1, euWest1, usWest2].map((raw) => {
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
