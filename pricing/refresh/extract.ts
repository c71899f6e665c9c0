import { AtlasError } from "../../lib/errors.js";
import type { OfferRow } from "./offer-file.js";
import { KNOWN_REGIONS, usageBase } from "./regions.js";

/**
 * Which rows of an offer file feed which figure of a price sheet. Every rule reads on-demand
 * rows of the region asked only; tiered prices take the first paid tier (a free tier, price 0,
 * is skipped), as the hand-transcribed sheets do.
 */

/** A row as a rule sees it: the usage type without its region prefix, the attributes. */
export interface RowView {
  row: OfferRow;
  /** `usagetype` without the region's prefix; `undefined` when it is another region's. */
  usage: string | undefined;
  attr: (name: string) => string | undefined;
}

/** One figure (`key` absent) or one table of figures (`key` names the entry). */
export interface Rule {
  /** Sheet path it fills, e.g. `ebs.gp3IopsMonth`; also the name errors use. */
  field: string;
  /** The offer file it reads. */
  offer: string;
  test: (view: RowView) => boolean;
  /** Table rules: the entry a row is for, e.g. the instance type. */
  key?: (view: RowView) => string | undefined;
  /** USD per the sheet's unit from USD per the offer's unit (e.g. ×1e6 for per million requests). */
  convert?: (price: number, row: OfferRow) => number;
  /** Region-independent offers (CloudFront bills by edge location, not by region). */
  global?: boolean;
}

const perMillion = (price: number) => price * 1e6;
const per10k = (price: number) => price * 1e4;
const per1k = (price: number) => price * 1e3;

/** A rule for the rows whose usage type, without its region prefix, is one of `usage`. */
function byUsage(offer: string, field: string, usage: readonly string[], more: Partial<Rule> = {}): Rule {
  return { offer, field, test: (v) => v.usage !== undefined && usage.includes(v.usage), ...more };
}

function linuxSharedInstance(v: RowView): boolean {
  return (
    v.row.productFamily.startsWith("Compute Instance") &&
    v.attr("operatingsystem") === "Linux" &&
    v.attr("tenancy") === "Shared" &&
    (v.attr("preinstalledsw") ?? "NA") === "NA" &&
    (v.attr("capacitystatus") ?? "Used") === "Used" &&
    (v.attr("licensemodel") ?? "No License required") === "No License required" &&
    (v.attr("marketoption") ?? "OnDemand") === "OnDemand" &&
    (v.usage?.startsWith("BoxUsage:") ?? false)
  );
}

function ebsStorage(volume: string): (v: RowView) => boolean {
  return (v) => v.row.productFamily === "Storage" && v.attr("volumeapiname") === volume && (v.usage?.startsWith("EBS:VolumeUsage") ?? false);
}

/** gp3 throughput is listed per GiBps-month; the sheet keeps it per MBps-month above the free 125. */
function throughputPerMbps(price: number, row: OfferRow): number {
  return /gibps/i.test(row.unit) ? price / 1024 : price;
}

// RDS storage and IOPS rates are listed per engine; the sheet keeps the open-source engines' one.
function rdsOpenSourceEngine(v: RowView): boolean {
  const engine = v.attr("databaseengine");
  return engine === undefined || engine === "PostgreSQL" || engine === "Any";
}

function rdsStorage(volumeType: string): (v: RowView) => boolean {
  return (v) =>
    v.row.productFamily === "Database Storage" && v.attr("volumetype") === volumeType && v.attr("deploymentoption") === "Single-AZ" && rdsOpenSourceEngine(v);
}

/**
 * The `RDS_RATE_KEYS` table a Single-AZ RDS instance row belongs to, from its engine, licence
 * model and edition (`aurora-mysql`/`aurora-postgresql` are merged into `aurora` later); MariaDB
 * bills at the MySQL rates, so it is not read.
 */
export function rdsRateKey(v: RowView): string | undefined {
  const engine = v.attr("databaseengine");
  const license = v.attr("licensemodel");
  const edition = v.attr("databaseedition");
  if (engine === "PostgreSQL" && license === "No license required") return "postgres";
  if (engine === "MySQL" && license === "No license required") return "mysql";
  if (engine === "Aurora MySQL") return "aurora-mysql";
  if (engine === "Aurora PostgreSQL") return "aurora-postgresql";
  if (engine === "Oracle" && license === "Bring your own license" && edition === "Enterprise") return "oracle-byol";
  if (engine === "Oracle" && license === "License included" && edition === "Standard Two") return "oracle-se2-li";
  if (engine === "SQL Server" && license === "License included") {
    const editions: Record<string, string> = { Express: "ex", Web: "web", Standard: "se", Enterprise: "ee" };
    const short = edition ? editions[edition] : undefined;
    return short ? `sqlserver-${short}-li` : undefined;
  }
  return undefined;
}

function rdsInstanceKey(v: RowView): string | undefined {
  const rateKey = rdsRateKey(v);
  const instanceClass = v.attr("instancetype");
  return rateKey && instanceClass ? `${rateKey}|${instanceClass}` : undefined;
}

const BASE_RULES: Rule[] = [
  // EC2: Linux/UNIX, shared tenancy, no pre-installed software, not a capacity reservation
  { offer: "AmazonEC2", field: "ec2", test: linuxSharedInstance, key: (v) => v.attr("instancetype") },
  ...(["gp2", "gp3", "io1", "st1", "sc1"] as const).map((volume) => ({
    offer: "AmazonEC2",
    field: `ebs.storageGbMonth.${volume}`,
    test: ebsStorage(volume),
  })),
  byUsage("AmazonEC2", "ebs.io1IopsMonth", ["EBS:VolumeP-IOPS.piops"]),
  byUsage("AmazonEC2", "ebs.gp3IopsMonth", ["EBS:VolumeP-IOPS.gp3"]),
  byUsage("AmazonEC2", "ebs.gp3ThroughputMbpsMonth", ["EBS:VolumeP-Throughput.gp3"], { convert: throughputPerMbps }),
  { offer: "AmazonEC2", field: "ebsMore.io2GbMonth", test: ebsStorage("io2") },
  byUsage("AmazonEC2", "ebsMore.io2IopsMonth.upTo32000", ["EBS:VolumeP-IOPS.io2"]),
  byUsage("AmazonEC2", "ebsMore.io2IopsMonth.upTo64000", ["EBS:VolumeP-IOPS.io2.tier2"]),
  byUsage("AmazonEC2", "ebsMore.io2IopsMonth.above64000", ["EBS:VolumeP-IOPS.io2.tier3"]),
  { offer: "AmazonEC2", field: "ebsMore.standardGbMonth", test: ebsStorage("standard") },
  byUsage("AmazonEC2", "ebsMore.standardIoPerMillion", ["EBS:VolumeIOUsage"], { convert: perMillion }),
  byUsage("AmazonEC2", "nat.hour", ["NatGateway-Hours"]),
  byUsage("AmazonEC2", "nat.gbProcessed", ["NatGateway-Bytes"]),
  // VPC
  byUsage("AmazonVPC", "publicIpv4Hour", ["PublicIPv4:InUseAddress"]),
  byUsage("AmazonVPC", "vpcEndpoint.interfaceAzHour", ["VpcEndpoint-Hours"]),
  byUsage("AmazonVPC", "vpcEndpoint.gbProcessed", ["VpcEndpoint-Bytes"]),
  // Data transfer out to the internet (first paid tier)
  byUsage("AWSDataTransfer", "dataTransfer.internetOutGb", ["DataTransfer-Out-Bytes"]),
  // Fargate (Linux; Windows and Spot are other usage types)
  byUsage("AmazonECS", "fargate.x86_64.vcpuHour", ["Fargate-vCPU-Hours:perCPU"]),
  byUsage("AmazonECS", "fargate.x86_64.gbHour", ["Fargate-GB-Hours"]),
  byUsage("AmazonECS", "fargate.arm64.vcpuHour", ["Fargate-ARM-vCPU-Hours:perCPU"]),
  byUsage("AmazonECS", "fargate.arm64.gbHour", ["Fargate-ARM-GB-Hours"]),
  byUsage("AmazonECS", "fargate.ephemeralGbHour", ["Fargate-EphemeralStorage-GB-Hours"]),
  // EKS standard support (extended support is another usage type)
  byUsage("AmazonEKS", "eks.clusterHour", ["AmazonEKS-Hours:perCluster"]),
  // RDS and Aurora: Single-AZ instance-hours (Multi-AZ and I/O-Optimized are other usage types)
  {
    offer: "AmazonRDS",
    field: "rdsInstances",
    test: (v) => v.row.productFamily === "Database Instance" && v.attr("deploymentoption") === "Single-AZ" && (v.usage?.startsWith("InstanceUsage:") ?? false),
    key: rdsInstanceKey,
  },
  { offer: "AmazonRDS", field: "rds.storageGbMonth.gp2", test: rdsStorage("General Purpose") },
  { offer: "AmazonRDS", field: "rds.storageGbMonth.gp3", test: rdsStorage("General Purpose-GP3") },
  { offer: "AmazonRDS", field: "rds.storageGbMonth.io1", test: rdsStorage("Provisioned IOPS") },
  {
    offer: "AmazonRDS",
    field: "rds.io1IopsMonth",
    test: (v) => v.usage === "RDS:PIOPS" && v.attr("deploymentoption") === "Single-AZ" && rdsOpenSourceEngine(v),
  },
  {
    offer: "AmazonRDS",
    field: "rds.gp3IopsMonth",
    test: (v) => v.usage === "RDS:GP3-PIOPS" && v.attr("deploymentoption") === "Single-AZ" && rdsOpenSourceEngine(v),
  },
  { offer: "AmazonRDS", field: "rdsStorage.io2GbMonth", test: rdsStorage("Provisioned IOPS-IO2") },
  {
    offer: "AmazonRDS",
    field: "rdsStorage.io2IopsMonth",
    test: (v) =>
      v.row.productFamily === "Provisioned IOPS" &&
      v.attr("volumetype") === "Provisioned IOPS-IO2" &&
      v.attr("deploymentoption") === "Single-AZ" &&
      rdsOpenSourceEngine(v),
  },
  { offer: "AmazonRDS", field: "rdsStorage.magneticGbMonth", test: rdsStorage("Magnetic") },
  byUsage("AmazonRDS", "rdsStorage.magneticIoPerMillion", ["RDS:StorageIOUsage"], { convert: perMillion }),
  { offer: "AmazonRDS", field: "rds.backupGbMonth", test: (v) => v.usage === "RDS:ChargedBackupUsage" && rdsOpenSourceEngine(v) },
  byUsage("AmazonRDS", "aurora.serverlessAcuHour", ["Aurora:ServerlessV2Usage"]),
  byUsage("AmazonRDS", "aurora.storageGbMonth", ["Aurora:StorageUsage"]),
  byUsage("AmazonRDS", "aurora.ioPerMillion", ["Aurora:StorageIOUsage"], { convert: perMillion }),
  // ElastiCache node-hours, Redis OSS (the sheet's rate) and Valkey (for the multiplier)
  {
    offer: "AmazonElastiCache",
    field: "elasticacheNodes",
    test: (v) => v.row.productFamily === "Cache Instance" && (v.usage?.startsWith("NodeUsage:") ?? false),
    key: (v) => {
      const engine = v.attr("cacheengine");
      const node = v.attr("instancetype");
      return node && (engine === "Redis" || engine === "Valkey") ? `${engine}|${node}` : undefined;
    },
  },
  // Load balancers
  byUsage("AWSELB", "elb.albHour", ["LoadBalancerUsage"]),
  byUsage("AWSELB", "elb.albLcuHour", ["LCUUsage"]),
  byUsage("AWSELB", "elb.nlbHour", ["LoadBalancerUsage"]),
  byUsage("AWSELB", "elb.nlbLcuHour", ["LCUUsage"]),
  // S3 Standard
  { offer: "AmazonS3", field: "s3.standardGbMonth", test: (v) => v.usage === "TimedStorage-ByteHrs" && v.attr("volumetype") === "Standard" },
  byUsage("AmazonS3", "s3.putPer1k", ["Requests-Tier1"], { convert: per1k }),
  byUsage("AmazonS3", "s3.getPer1k", ["Requests-Tier2"], { convert: per1k }),
  // CloudWatch
  byUsage("AmazonCloudWatch", "cloudwatch.alarmMonth", ["CW:AlarmMonitorUsage"]),
  byUsage("AmazonCloudWatch", "cloudwatch.highResAlarmMonth", ["CW:HighResAlarmMonitorUsage"]),
  byUsage("AmazonCloudWatch", "cloudwatch.logIngestGb", ["DataProcessing-Bytes"]),
  byUsage("AmazonCloudWatch", "cloudwatch.logStorageGbMonth", ["TimedStorage-ByteHrs"]),
  byUsage("AmazonCloudWatch", "cloudwatchMore.metricMonth", ["CW:MetricMonitorUsage"]),
  byUsage("AmazonCloudWatch", "cloudwatchMore.compositeAlarmMonth", ["CW:CompositeAlarmMonitorUsage"]),
  // Small per-request and per-item services
  byUsage("AWSSecretsManager", "secretsManager.secretMonth", ["AWSSecretsManager-Secrets"]),
  byUsage("AWSSecretsManager", "secretsManager.per10kApiCalls", ["AWSSecretsManagerAPIRequest", "AWSSecretsManager-APIRequest"], { convert: per10k }),
  byUsage("awskms", "kms.keyMonth", ["KMS-Keys"]),
  byUsage("awskms", "kms.per10kRequests", ["KMS-Requests"], { convert: per10k }),
  byUsage("AWSQueueService", "sqs.perMillionRequests", ["Requests-RBP"], { convert: perMillion }),
  byUsage("AmazonSNS", "sns.perMillionRequests", ["Requests-Tier1"], { convert: perMillion }),
  byUsage("AWSLambda", "lambda.perMillionRequests", ["Request"], { convert: perMillion }),
  byUsage("AWSLambda", "lambda.gbSecond", ["Lambda-GB-Second"]),
  // CloudFront bills by edge location: the United States edge rate, as the sheets keep it
  {
    offer: "AmazonCloudFront",
    field: "cloudfront.dataOutGb",
    test: (v) => v.row.attributes.usagetype === "US-DataTransfer-Out-Bytes",
    global: true,
  },
  {
    offer: "AmazonCloudFront",
    field: "cloudfront.per10kHttpsRequests",
    test: (v) => v.row.attributes.usagetype === "US-Requests-Tier2-HTTPS",
    convert: per10k,
    global: true,
  },
];

/** Every rule the refresh knows, by offer code. */
export const RULES: readonly Rule[] = BASE_RULES.map(withElbFamily);

// ALB and NLB share usage types; the product family tells them apart.
function withElbFamily(rule: Rule): Rule {
  if (rule.offer !== "AWSELB") return rule;
  const family = rule.field.startsWith("elb.alb") ? "Load Balancer-Application" : "Load Balancer-Network";
  const usage = rule.field.endsWith("LcuHour") ? "LCUUsage" : "LoadBalancerUsage";
  return { ...rule, test: (v) => v.row.productFamily === family && v.usage === usage };
}

/** Offer codes the rules read, in a stable order. */
export const OFFER_CODES: readonly string[] = [...new Set(RULES.map((rule) => rule.offer))];

interface Candidate {
  sku: string;
  price: number;
  beginRange: number;
  row: OfferRow;
}

/** The figures one offer file yielded, by rule field (and table key). */
export class Collector {
  private readonly found = new Map<string, Map<string, Candidate[]>>();
  private readonly rules: readonly Rule[];

  constructor(
    readonly offer: string,
    readonly region: string,
  ) {
    this.rules = RULES.filter((rule) => rule.offer === offer);
  }

  /** Feeds one row to every rule of this offer. */
  add(row: OfferRow): void {
    if (row.termType !== "OnDemand") return;
    const inRegion = rowInRegion(row, this.region);
    const usagetype = row.attributes.usagetype;
    const view: RowView = {
      row,
      usage: usagetype === undefined ? undefined : usageBase(usagetype, this.region),
      attr: (name) => row.attributes[name],
    };
    for (const rule of this.rules) {
      if (!(rule.global || inRegion) || !rule.test(view)) continue;
      const key = rule.key ? rule.key(view) : "";
      if (key === undefined) continue;
      this.push(rule.field, key, { sku: row.sku, price: row.price, beginRange: row.beginRange, row });
    }
  }

  private push(field: string, key: string, candidate: Candidate): void {
    let byKey = this.found.get(field);
    if (!byKey) {
      byKey = new Map();
      this.found.set(field, byKey);
    }
    const list = byKey.get(key);
    if (list) list.push(candidate);
    else byKey.set(key, [candidate]);
  }

  /** The figure of a one-value rule, or `undefined` when the file has none. */
  value(field: string): number | undefined {
    const candidates = this.found.get(field)?.get("");
    return candidates ? this.pick(field, "", candidates) : undefined;
  }

  /** Every entry of a table rule (empty when the file has none), sorted by key. */
  table(field: string): Record<string, number> {
    const out: Record<string, number> = {};
    const byKey = this.found.get(field);
    if (!byKey) return out;
    for (const key of [...byKey.keys()].sort()) {
      const price = this.pick(field, key, byKey.get(key) ?? []);
      if (price !== undefined) out[key] = price;
    }
    return out;
  }

  // First paid tier; two SKUs with different prices for the same figure is an error, not a guess.
  private pick(field: string, key: string, candidates: Candidate[]): number | undefined {
    const paid = candidates.filter((c) => c.price > 0);
    if (!paid.length) return undefined;
    const first = Math.min(...paid.map((c) => c.beginRange));
    const atFirst = paid.filter((c) => c.beginRange === first);
    const prices = new Set(atFirst.map((c) => c.price));
    const what = key ? `${field} "${key}"` : field;
    if (prices.size > 1) {
      const skus = atFirst.map((c) => `${c.sku} (${c.price})`).join(", ");
      throw new AtlasError("VALIDATION_FAILED", `${this.offer} offer file for ${this.region}: ${what} matches SKUs with different prices: ${skus}`);
    }
    const chosen = atFirst[0];
    if (!chosen) return undefined;
    const rule = RULES.find((r) => r.field === field);
    const converted = rule?.convert ? rule.convert(chosen.price, chosen.row) : chosen.price;
    return Number(converted.toPrecision(10));
  }
}

/** True for rows of `region` (an AWS Region, not one of its Local Zones or Outposts). */
function rowInRegion(row: OfferRow, region: string): boolean {
  const { regioncode, location, locationtype } = row.attributes;
  if (locationtype !== undefined && locationtype !== "AWS Region") return false;
  if (regioncode !== undefined) return regioncode === region;
  if (location !== undefined) return location === KNOWN_REGIONS[region]?.location;
  return true;
}
