import { type RdsRateKey, type RegionPrices, rdsHourlyRate } from "../catalogue.js";
import type { ComponentSpec } from "../component-spec.js";
import type { PricingResult, RawComponent, UsageValues } from "../types.js";
import { fail, hourly, lookup, monthly, ok, tidyPrice, usage } from "./build.js";

type Spec<K extends ComponentSpec["kind"]> = Extract<ComponentSpec, { kind: K }>;

/** RDS gp3 includes 3,000 IOPS, or 12,000 from 400 GB (MySQL, PostgreSQL, MariaDB). */
function rdsGp3BaselineIops(storageGb: number): number {
  return storageGb >= 400 ? 12_000 : 3_000;
}

/** AWS's minimum provisioned IOPS for an RDS io1 or io2 volume; asking for less still bills this many. */
const RDS_MIN_PROVISIONED_IOPS = 1_000;

type RateKey = { ok: true; key: RdsRateKey; label: string } | { ok: false; reason: string };

/**
 * The price table that bills a Terraform engine (and, for Oracle, license model). MariaDB bills
 * at MySQL's rates; Oracle EE exists only as bring-your-own-license, SE2 both ways; SQL Server
 * on RDS is license-included.
 */
function rdsRateKey(engine: string, licenseModel: string | undefined): RateKey {
  if (engine === "postgres" || engine === "postgresql") return { ok: true, key: "postgres", label: "postgres" };
  if (engine === "mysql") return { ok: true, key: "mysql", label: "mysql" };
  if (engine === "mariadb") return { ok: true, key: "mysql", label: "mariadb, at MySQL rates" };
  const oracle = /^oracle-(ee|se2)(-cdb)?$/.exec(engine);
  if (oracle) {
    const edition = oracle[1] === "ee" ? "EE" : "SE2";
    const model = licenseModel ?? (edition === "EE" ? "bring-your-own-license" : undefined);
    if (model === "bring-your-own-license") return { ok: true, key: "oracle-byol", label: `oracle ${edition}, BYOL` };
    if (model === "license-included" && edition === "SE2") return { ok: true, key: "oracle-se2-li", label: "oracle SE2, license included" };
    if (model === undefined)
      return { ok: false, reason: `RDS engine "${engine}" without license_model: license-included or bring-your-own-license bill differently` };
    return { ok: false, reason: `RDS engine "${engine}" with license model "${model}" is not offered or not priced` };
  }
  const sqlServer = /^sqlserver-(ex|web|se|ee)$/.exec(engine);
  if (sqlServer) return { ok: true, key: `sqlserver-${sqlServer[1]}-li` as RdsRateKey, label: `${engine}, license included` };
  return { ok: false, reason: `RDS engine "${engine}" is not priced (postgres, mysql, mariadb, oracle-ee/se2, sqlserver-ex/web/se/ee are)` };
}

/** Storage rates per GB-month and per IOPS-month of an RDS storage type, or why there are none. */
function rdsStorageRates(storageType: string, prices: RegionPrices): { ok: true; gbMonth: number; iopsMonth?: number } | { ok: false; reason: string } {
  const base = lookup(prices.rds.storageGbMonth, storageType);
  if (base !== undefined) return { ok: true, gbMonth: base, iopsMonth: storageType === "io1" ? prices.rds.io1IopsMonth : undefined };
  if (storageType !== "io2" && storageType !== "standard") {
    return { ok: false, reason: `RDS storage type "${storageType}" is not priced (gp2, gp3, io1, io2, standard are)` };
  }
  const more = prices.rdsStorage;
  if (!more) return { ok: false, reason: `RDS ${storageType} storage rates are not in the ${prices.region} price sheet` };
  return storageType === "io2" ? { ok: true, gbMonth: more.io2GbMonth, iopsMonth: more.io2IopsMonth } : { ok: true, gbMonth: more.magneticGbMonth };
}

/** The provisioned-IOPS line of an io1/io2 instance: AWS bills at least 1,000 IOPS, and the line says so. */
function rdsProvisionedIops(storageType: string, iops: number, rate: number, copies: number): RawComponent {
  const billed = Math.max(iops, RDS_MIN_PROVISIONED_IOPS);
  const floor = iops < RDS_MIN_PROVISIONED_IOPS ? `, AWS minimum 1,000 billed; ${iops} requested` : "";
  return monthly(`Provisioned IOPS (${storageType}${floor})`, "IOPS-months", rate, billed * copies);
}

/**
 * RDS instance: instance-hours (×2 for Multi-AZ), storage and IOPS (also ×2), magnetic I/O
 * (usage), backups (usage).
 */
export function priceRds(spec: Spec<"rds">, prices: RegionPrices, values: UsageValues): PricingResult {
  const engine = rdsRateKey(spec.engine, spec.licenseModel);
  if (!engine.ok) return fail(engine.reason);
  const rate = rdsHourlyRate(prices, engine.key, spec.instanceClass);
  if (!rate.ok) return fail(`${rate.reason} (engine "${spec.engine}": ${engine.label})`);
  const storageType = spec.storageType ?? "gp2";
  const storage = rdsStorageRates(storageType, prices);
  if (!storage.ok) return fail(storage.reason);

  const copies = (spec.multiAz ? 2 : 1) * (spec.count ?? 1);
  const deployment = spec.multiAz ? "Multi-AZ" : "Single-AZ";
  const storageGb = spec.storageGb ?? 0;
  const iops = spec.iops ?? 0;
  const components: RawComponent[] = [hourly(`Database instance (${spec.instanceClass}, ${engine.label}, ${deployment})`, rate.hour, copies)];
  if (storageGb > 0) {
    components.push(monthly(`Storage (${storageType})`, "GB-months", storage.gbMonth, storageGb * copies));
  }
  if (storage.iopsMonth !== undefined) components.push(rdsProvisionedIops(storageType, iops, storage.iopsMonth, copies));
  const extraIops = iops - rdsGp3BaselineIops(storageGb);
  if (storageType === "gp3" && extraIops > 0) {
    components.push(monthly("Provisioned IOPS above gp3 baseline", "IOPS-months", prices.rds.gp3IopsMonth, extraIops * copies));
  }
  if (storageType === "standard" && prices.rdsStorage) {
    components.push(usage("I/O requests (magnetic)", "1M requests", prices.rdsStorage.magneticIoPerMillion, values.monthly_standard_io_requests, 1e6));
  }
  components.push(usage("Backup storage beyond free allowance", "GB-months", prices.rds.backupGbMonth, values.backup_storage_gb));
  return ok(components);
}

/** Aurora instance (provisioned class, or `db.serverless` billed per ACU-hour of usage). */
export function priceAuroraInstance(spec: Spec<"aurora-instance">, prices: RegionPrices, values: UsageValues): PricingResult {
  if (spec.instanceClass === "db.serverless") {
    return ok([usage("Aurora Serverless v2 capacity", "ACU-hours", prices.aurora.serverlessAcuHour, values.monthly_acu_hours)]);
  }
  const rate = rdsHourlyRate(prices, "aurora", spec.instanceClass);
  if (!rate.ok) return fail(`Aurora class "${spec.instanceClass}" is not in the ${prices.region} price sheet`);
  return ok([hourly(`Database instance (${spec.instanceClass}, Aurora)`, rate.hour, spec.count ?? 1)]);
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
  const rate = lookup(prices.elasticache.nodes, spec.nodeType) ?? lookup(prices.elasticacheNodes?.nodes ?? {}, spec.nodeType);
  if (rate === undefined) return fail(`ElastiCache node type "${spec.nodeType}" is not in the ${prices.region} price sheet`);
  const price = engine === "valkey" ? tidyPrice(rate * prices.elasticache.valkeyMultiplier) : rate;
  return ok([hourly(`Cache node (${spec.nodeType}, ${engine})`, price, spec.nodes ?? 1)]);
}

/** io2 IOPS per volume in AWS's three price tiers: up to 32,000, 32,001–64,000, and above. */
function io2IopsTiers(iops: number): [number, number, number] {
  return [Math.min(iops, 32_000), Math.max(0, Math.min(iops, 64_000) - 32_000), Math.max(0, iops - 64_000)];
}

/** Storage rate of an EBS volume type, or why there is none (io2 and magnetic come from `ebsMore`). */
function ebsStorageRate(volumeType: string, prices: RegionPrices): { ok: true; gbMonth: number } | { ok: false; reason: string } {
  const base = lookup(prices.ebs.storageGbMonth, volumeType);
  if (base !== undefined) return { ok: true, gbMonth: base };
  if (volumeType !== "io2" && volumeType !== "standard") {
    return { ok: false, reason: `EBS volume type "${volumeType}" is not priced (gp2, gp3, io1, io2, st1, sc1, standard are)` };
  }
  const more = prices.ebsMore;
  if (!more) return { ok: false, reason: `EBS ${volumeType} rates are not in the ${prices.region} price sheet` };
  return { ok: true, gbMonth: volumeType === "io2" ? more.io2GbMonth : more.standardGbMonth };
}

/**
 * EBS volume: storage, plus io1 IOPS, io2 IOPS by tier, gp3 IOPS/throughput above the included
 * baseline, and magnetic I/O requests (usage).
 */
export function priceEbs(spec: Spec<"ebs">, prices: RegionPrices, values: UsageValues = {}): PricingResult {
  const rates = prices.ebs;
  const storage = ebsStorageRate(spec.volumeType, prices);
  if (!storage.ok) return fail(storage.reason);
  const count = spec.count ?? 1;
  const iops = spec.iops ?? 0;
  const note = spec.note ? `, ${spec.note}` : "";
  const components = [monthly(`EBS storage (${spec.volumeType}${note})`, "GB-months", storage.gbMonth, spec.sizeGb * count)];
  if (spec.volumeType === "io1" && iops > 0) {
    components.push(monthly("Provisioned IOPS (io1)", "IOPS-months", rates.io1IopsMonth, iops * count));
  }
  const more = prices.ebsMore;
  if (spec.volumeType === "io2" && more && iops > 0) {
    const [first, second, third] = io2IopsTiers(iops);
    const tiers = more.io2IopsMonth;
    components.push(monthly("Provisioned IOPS (io2, up to 32,000)", "IOPS-months", tiers.upTo32000, first * count));
    if (second > 0) components.push(monthly("Provisioned IOPS (io2, 32,001 to 64,000)", "IOPS-months", tiers.upTo64000, second * count));
    if (third > 0) components.push(monthly("Provisioned IOPS (io2, above 64,000)", "IOPS-months", tiers.above64000, third * count));
  }
  if (spec.volumeType === "standard" && more) {
    components.push(usage("I/O requests (magnetic)", "1M requests", more.standardIoPerMillion, values.monthly_standard_io_requests, 1e6));
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
