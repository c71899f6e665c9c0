import type { RegionPrices } from "../catalogue.js";
import type { ComponentSpec } from "../component-spec.js";
import type { PricingResult, RawComponent, UsageValues } from "../types.js";
import { fail, hourly, lookup, monthly, ok, tidyPrice, usage } from "./build.js";

type Spec<K extends ComponentSpec["kind"]> = Extract<ComponentSpec, { kind: K }>;

/** RDS gp3 includes 3,000 IOPS, or 12,000 from 400 GB (MySQL, PostgreSQL, MariaDB). */
function rdsGp3BaselineIops(storageGb: number): number {
  return storageGb >= 400 ? 12_000 : 3_000;
}

/** Maps Terraform engine names to the price table that bills them. */
function rdsEngine(engine: string): "postgres" | "mysql" | undefined {
  if (engine === "postgres" || engine === "postgresql") return "postgres";
  if (engine === "mysql" || engine === "mariadb") return "mysql";
  return undefined;
}

/** RDS instance: instance-hours (×2 for Multi-AZ), storage and IOPS (also ×2), backups. */
export function priceRds(spec: Spec<"rds">, prices: RegionPrices, values: UsageValues): PricingResult {
  const engine = rdsEngine(spec.engine);
  if (!engine) return fail(`RDS engine "${spec.engine}" is not priced (postgres, mysql, mariadb are)`);
  const rate = lookup(prices.rds[engine], spec.instanceClass);
  if (rate === undefined) {
    return fail(`RDS ${engine} class "${spec.instanceClass}" is not in the ${prices.region} price sheet`);
  }
  const storageType = spec.storageType ?? "gp2";
  const storageRate = lookup(prices.rds.storageGbMonth, storageType);
  if (storageRate === undefined) return fail(`RDS storage type "${storageType}" is not priced (gp2, gp3, io1 are)`);

  const copies = (spec.multiAz ? 2 : 1) * (spec.count ?? 1);
  const deployment = spec.multiAz ? "Multi-AZ" : "Single-AZ";
  const storageGb = spec.storageGb ?? 0;
  const iops = spec.iops ?? 0;
  const components: RawComponent[] = [hourly(`Database instance (${spec.instanceClass}, ${engine}, ${deployment})`, rate, copies)];
  if (storageGb > 0) {
    components.push(monthly(`Storage (${storageType})`, "GB-months", storageRate, storageGb * copies));
  }
  if (storageType === "io1" && iops > 0) {
    components.push(monthly("Provisioned IOPS (io1)", "IOPS-months", prices.rds.io1IopsMonth, iops * copies));
  }
  const extraIops = iops - rdsGp3BaselineIops(storageGb);
  if (storageType === "gp3" && extraIops > 0) {
    components.push(monthly("Provisioned IOPS above gp3 baseline", "IOPS-months", prices.rds.gp3IopsMonth, extraIops * copies));
  }
  components.push(usage("Backup storage beyond free allowance", "GB-months", prices.rds.backupGbMonth, values.backup_storage_gb));
  return ok(components);
}

/** Aurora instance (provisioned class, or `db.serverless` billed per ACU-hour of usage). */
export function priceAuroraInstance(spec: Spec<"aurora-instance">, prices: RegionPrices, values: UsageValues): PricingResult {
  if (spec.instanceClass === "db.serverless") {
    return ok([usage("Aurora Serverless v2 capacity", "ACU-hours", prices.aurora.serverlessAcuHour, values.monthly_acu_hours)]);
  }
  const rate = lookup(prices.aurora.instances, spec.instanceClass);
  if (rate === undefined) {
    return fail(`Aurora class "${spec.instanceClass}" is not in the ${prices.region} price sheet`);
  }
  return ok([hourly(`Database instance (${spec.instanceClass}, Aurora)`, rate, spec.count ?? 1)]);
}

/** Aurora cluster storage and I/O (Standard configuration), both usage-based. */
export function priceAuroraStorage(prices: RegionPrices, values: UsageValues): PricingResult {
  return ok([
    usage("Storage", "GB-months", prices.aurora.storageGbMonth, values.storage_gb),
    usage("I/O requests", "1M requests", prices.aurora.ioPerMillion, values.monthly_io_requests, 1e6),
  ]);
}

/** ElastiCache nodes (node-based, not serverless). */
export function priceElastiCache(spec: Spec<"elasticache">, prices: RegionPrices): PricingResult {
  const engine = spec.engine ?? "redis";
  if (!["redis", "valkey", "memcached"].includes(engine)) {
    return fail(`ElastiCache engine "${engine}" is not priced (redis, valkey, memcached are)`);
  }
  const rate = lookup(prices.elasticache.nodes, spec.nodeType);
  if (rate === undefined) return fail(`ElastiCache node type "${spec.nodeType}" is not in the ${prices.region} price sheet`);
  const price = engine === "valkey" ? tidyPrice(rate * prices.elasticache.valkeyMultiplier) : rate;
  return ok([hourly(`Cache node (${spec.nodeType}, ${engine})`, price, spec.nodes ?? 1)]);
}

/** EBS volume: storage, plus io1 IOPS and gp3 IOPS/throughput above the included baseline. */
export function priceEbs(spec: Spec<"ebs">, prices: RegionPrices): PricingResult {
  const rates = prices.ebs;
  const storageRate = lookup(rates.storageGbMonth, spec.volumeType);
  if (storageRate === undefined) {
    return fail(`EBS volume type "${spec.volumeType}" is not priced (gp2, gp3, io1, st1, sc1 are)`);
  }
  const count = spec.count ?? 1;
  const iops = spec.iops ?? 0;
  const components = [monthly(`EBS storage (${spec.volumeType})`, "GB-months", storageRate, spec.sizeGb * count)];
  if (spec.volumeType === "io1" && iops > 0) {
    components.push(monthly("Provisioned IOPS (io1)", "IOPS-months", rates.io1IopsMonth, iops * count));
  }
  if (spec.volumeType === "gp3" && iops > 3_000) {
    components.push(monthly("IOPS above 3,000 (gp3)", "IOPS-months", rates.gp3IopsMonth, (iops - 3_000) * count));
  }
  const throughput = spec.throughputMbps ?? 0;
  if (spec.volumeType === "gp3" && throughput > 125) {
    components.push(monthly("Throughput above 125 MBps (gp3)", "MBps-months", rates.gp3ThroughputMbpsMonth, (throughput - 125) * count));
  }
  return ok(components);
}

/** S3 Standard: storage (fixed when a size is given, else usage-based) and requests. */
export function priceS3(spec: Spec<"s3">, prices: RegionPrices, values: UsageValues): PricingResult {
  const rates = prices.s3;
  const storage =
    spec.storageGb === undefined
      ? usage("Standard storage", "GB-months", rates.standardGbMonth, values.storage_gb)
      : monthly("Standard storage", "GB-months", rates.standardGbMonth, spec.storageGb);
  return ok([
    storage,
    usage("PUT, COPY, POST, LIST requests", "1k requests", rates.putPer1k, values.monthly_put_requests, 1e3),
    usage("GET, SELECT and other requests", "1k requests", rates.getPer1k, values.monthly_get_requests, 1e3),
  ]);
}
