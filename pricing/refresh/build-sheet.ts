import { AtlasError } from "../../lib/errors.js";
import { HOURS_PER_MONTH, RDS_RATE_KEYS, type RegionPrices, regionPricesSchema } from "../catalogue.js";
import type { Collector } from "./extract.js";
import type { OfferMeta } from "./offer-file.js";
import { KNOWN_REGIONS } from "./regions.js";

/** One offer file read for a region: what it says about itself, where it was, what it yielded. */
export interface OfferReading {
  meta: OfferMeta;
  location: string;
  collector: Collector;
}

type Sheet = Record<string, unknown>;

/** A part of the sheet and the offer file it is rebuilt from. */
interface Section {
  /** Top-level key(s) of the sheet it writes. */
  name: string;
  offer: string;
  /** Optional sections the schema may lack: kept from the current sheet when the offer lacks them. */
  optional?: boolean;
  build: (get: Getter, current: RegionPrices | undefined, provenance: { asOf: string; source: string }) => Sheet;
}

/** Reads figures from one offer's collector, failing with a message naming the missing figure. */
interface Getter {
  one: (field: string) => number;
  table: (field: string) => Record<string, number>;
}

class MissingFigure extends Error {}

const SECTIONS: readonly Section[] = [
  { name: "ec2", offer: "AmazonEC2", build: (g) => ({ ec2: nonEmpty(g.table("ec2"), "ec2") }) },
  {
    name: "ebs",
    offer: "AmazonEC2",
    build: (g) => ({
      ebs: {
        storageGbMonth: {
          gp2: g.one("ebs.storageGbMonth.gp2"),
          gp3: g.one("ebs.storageGbMonth.gp3"),
          io1: g.one("ebs.storageGbMonth.io1"),
          st1: g.one("ebs.storageGbMonth.st1"),
          sc1: g.one("ebs.storageGbMonth.sc1"),
        },
        io1IopsMonth: g.one("ebs.io1IopsMonth"),
        gp3IopsMonth: g.one("ebs.gp3IopsMonth"),
        gp3ThroughputMbpsMonth: g.one("ebs.gp3ThroughputMbpsMonth"),
      },
    }),
  },
  {
    name: "ebsMore",
    offer: "AmazonEC2",
    optional: true,
    build: (g, _c, provenance) => ({
      ebsMore: {
        io2GbMonth: g.one("ebsMore.io2GbMonth"),
        io2IopsMonth: {
          upTo32000: g.one("ebsMore.io2IopsMonth.upTo32000"),
          upTo64000: g.one("ebsMore.io2IopsMonth.upTo64000"),
          above64000: g.one("ebsMore.io2IopsMonth.above64000"),
        },
        standardGbMonth: g.one("ebsMore.standardGbMonth"),
        standardIoPerMillion: g.one("ebsMore.standardIoPerMillion"),
        ...provenance,
      },
    }),
  },
  { name: "nat", offer: "AmazonEC2", build: (g) => ({ nat: { hour: g.one("nat.hour"), gbProcessed: g.one("nat.gbProcessed") } }) },
  { name: "publicIpv4Hour", offer: "AmazonVPC", build: (g) => ({ publicIpv4Hour: g.one("publicIpv4Hour") }) },
  {
    name: "vpcEndpoint",
    offer: "AmazonVPC",
    build: (g, _c, provenance) => ({
      vpcEndpoint: { interfaceAzHour: g.one("vpcEndpoint.interfaceAzHour"), gbProcessed: g.one("vpcEndpoint.gbProcessed"), ...provenance },
    }),
  },
  { name: "dataTransfer", offer: "AWSDataTransfer", build: (g) => ({ dataTransfer: { internetOutGb: g.one("dataTransfer.internetOutGb") } }) },
  {
    name: "fargate",
    offer: "AmazonECS",
    build: (g, current) => {
      // Fargate Spot prices move with demand and are not in the offer file: kept with their own date
      if (!current)
        throw new MissingFigure("fargate.spot (Fargate Spot rates are not in the AmazonECS offer file; there is no current sheet to keep them from)");
      return {
        fargate: {
          x86_64: { vcpuHour: g.one("fargate.x86_64.vcpuHour"), gbHour: g.one("fargate.x86_64.gbHour") },
          arm64: { vcpuHour: g.one("fargate.arm64.vcpuHour"), gbHour: g.one("fargate.arm64.gbHour") },
          ephemeralGbHour: g.one("fargate.ephemeralGbHour"),
          spot: current.fargate.spot,
        },
      };
    },
  },
  { name: "eks", offer: "AmazonEKS", build: (g) => ({ eks: { clusterHour: g.one("eks.clusterHour") } }) },
  {
    name: "rds",
    offer: "AmazonRDS",
    build: (g) => {
      const byKey = rdsTables(g.table("rdsInstances"));
      return {
        rds: {
          postgres: byKey.postgres ?? {},
          mysql: byKey.mysql ?? {},
          storageGbMonth: { gp2: g.one("rds.storageGbMonth.gp2"), gp3: g.one("rds.storageGbMonth.gp3"), io1: g.one("rds.storageGbMonth.io1") },
          io1IopsMonth: g.one("rds.io1IopsMonth"),
          gp3IopsMonth: g.one("rds.gp3IopsMonth"),
          backupGbMonth: g.one("rds.backupGbMonth"),
        },
      };
    },
  },
  {
    name: "rdsClasses",
    offer: "AmazonRDS",
    optional: true,
    build: (g, _c, provenance) => {
      const byKey = rdsTables(g.table("rdsInstances"));
      const tables: Record<string, Record<string, number>> = {};
      // postgres, mysql and aurora have their own tables in `rds` and `aurora`
      for (const key of RDS_RATE_KEYS) if (!["postgres", "mysql", "aurora"].includes(key) && byKey[key]) tables[key] = byKey[key];
      if (!Object.keys(tables).length) throw new MissingFigure("rdsClasses (no Oracle or SQL Server rate)");
      return { rdsClasses: { tables, families: {}, ...provenance } };
    },
  },
  {
    name: "rdsStorage",
    offer: "AmazonRDS",
    optional: true,
    build: (g, _c, provenance) => ({
      rdsStorage: {
        io2GbMonth: g.one("rdsStorage.io2GbMonth"),
        io2IopsMonth: g.one("rdsStorage.io2IopsMonth"),
        magneticGbMonth: g.one("rdsStorage.magneticGbMonth"),
        magneticIoPerMillion: g.one("rdsStorage.magneticIoPerMillion"),
        ...provenance,
      },
    }),
  },
  {
    name: "aurora",
    offer: "AmazonRDS",
    build: (g) => ({
      aurora: {
        instances: rdsTables(g.table("rdsInstances")).aurora ?? {},
        serverlessAcuHour: g.one("aurora.serverlessAcuHour"),
        storageGbMonth: g.one("aurora.storageGbMonth"),
        ioPerMillion: g.one("aurora.ioPerMillion"),
      },
    }),
  },
  {
    name: "elasticache",
    offer: "AmazonElastiCache",
    build: (g, current) => {
      const { redis, valkey } = cacheTables(g.table("elasticacheNodes"));
      return { elasticache: { nodes: nonEmpty(redis, "elasticache.nodes (Redis OSS)"), valkeyMultiplier: valkeyMultiplier(redis, valkey, current) } };
    },
  },
  {
    name: "elb",
    offer: "AWSELB",
    build: (g) => ({
      elb: { albHour: g.one("elb.albHour"), albLcuHour: g.one("elb.albLcuHour"), nlbHour: g.one("elb.nlbHour"), nlbLcuHour: g.one("elb.nlbLcuHour") },
    }),
  },
  {
    name: "s3",
    offer: "AmazonS3",
    build: (g) => ({ s3: { standardGbMonth: g.one("s3.standardGbMonth"), putPer1k: g.one("s3.putPer1k"), getPer1k: g.one("s3.getPer1k") } }),
  },
  {
    name: "cloudwatch",
    offer: "AmazonCloudWatch",
    build: (g) => ({
      cloudwatch: {
        alarmMonth: g.one("cloudwatch.alarmMonth"),
        highResAlarmMonth: g.one("cloudwatch.highResAlarmMonth"),
        logIngestGb: g.one("cloudwatch.logIngestGb"),
        logStorageGbMonth: g.one("cloudwatch.logStorageGbMonth"),
      },
    }),
  },
  {
    name: "cloudwatchMore",
    offer: "AmazonCloudWatch",
    optional: true,
    build: (g, _c, provenance) => ({
      cloudwatchMore: { metricMonth: g.one("cloudwatchMore.metricMonth"), compositeAlarmMonth: g.one("cloudwatchMore.compositeAlarmMonth"), ...provenance },
    }),
  },
  {
    name: "secretsManager",
    offer: "AWSSecretsManager",
    build: (g) => ({ secretsManager: { secretMonth: g.one("secretsManager.secretMonth"), per10kApiCalls: g.one("secretsManager.per10kApiCalls") } }),
  },
  { name: "kms", offer: "awskms", build: (g) => ({ kms: { keyMonth: g.one("kms.keyMonth"), per10kRequests: g.one("kms.per10kRequests") } }) },
  { name: "sqs", offer: "AWSQueueService", build: (g) => ({ sqs: { perMillionRequests: g.one("sqs.perMillionRequests") } }) },
  { name: "sns", offer: "AmazonSNS", build: (g) => ({ sns: { perMillionRequests: g.one("sns.perMillionRequests") } }) },
  {
    name: "lambda",
    offer: "AWSLambda",
    build: (g) => ({ lambda: { perMillionRequests: g.one("lambda.perMillionRequests"), gbSecond: g.one("lambda.gbSecond") } }),
  },
  {
    name: "cloudfront",
    offer: "AmazonCloudFront",
    build: (g) => ({ cloudfront: { dataOutGb: g.one("cloudfront.dataOutGb"), per10kHttpsRequests: g.one("cloudfront.per10kHttpsRequests") } }),
  },
];

/** Sections no offer file rebuilds: kept from the current sheet, each with its own date and source. */
const KEPT_ALWAYS = ["waf", "gwlb"] as const;

/**
 * Compact optional sections a rebuilt section replaces: the refreshed explicit tables list every
 * type the offer sells, so an older family table would only keep stale figures alive.
 */
const REPLACED_BY: Record<string, string> = { ec2Families: "ec2", elasticacheNodes: "elasticache" };

function nonEmpty(table: Record<string, number>, field: string): Record<string, number> {
  if (!Object.keys(table).length) throw new MissingFigure(field);
  return table;
}

/** Splits `rateKey|class` entries into one table per rate key; Aurora MySQL wins over PostgreSQL. */
function rdsTables(entries: Record<string, number>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const auroraPostgres: Record<string, number> = {};
  for (const [key, price] of Object.entries(entries)) {
    const [rateKey = "", instanceClass = ""] = key.split("|");
    if (rateKey === "aurora-postgresql") {
      auroraPostgres[instanceClass] = price;
      continue;
    }
    const table = rateKey === "aurora-mysql" ? "aurora" : rateKey;
    out[table] ??= {};
    out[table][instanceClass] = price;
  }
  for (const [instanceClass, price] of Object.entries(auroraPostgres)) {
    out.aurora ??= {};
    out.aurora[instanceClass] ??= price;
  }
  return out;
}

function cacheTables(entries: Record<string, number>): { redis: Record<string, number>; valkey: Record<string, number> } {
  const redis: Record<string, number> = {};
  const valkey: Record<string, number> = {};
  for (const [key, price] of Object.entries(entries)) {
    const [engine, node = ""] = key.split("|");
    if (engine === "Redis") redis[node] = price;
    else valkey[node] = price;
  }
  return { redis, valkey };
}

/**
 * Valkey's fraction of the Redis OSS rate, from the node types both list (the most common ratio,
 * to two decimals); the current sheet's when the offer lists no Valkey node.
 */
export function valkeyMultiplier(redis: Record<string, number>, valkey: Record<string, number>, current: RegionPrices | undefined): number {
  const counts = new Map<number, number>();
  for (const [node, price] of Object.entries(valkey)) {
    const base = redis[node];
    if (base === undefined) continue;
    const ratio = Math.round((price / base) * 100) / 100;
    counts.set(ratio, (counts.get(ratio) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const ratio = ranked[0]?.[0];
  if (ratio !== undefined && ratio > 0 && ratio <= 1) return ratio;
  if (current) return current.elasticache.valkeyMultiplier;
  throw new MissingFigure("elasticache.valkeyMultiplier (no Valkey node listed beside a Redis OSS one)");
}

function getter(reading: OfferReading): Getter {
  return {
    one: (field) => {
      const value = reading.collector.value(field);
      if (value === undefined) throw new MissingFigure(field);
      return value;
    },
    table: (field) => reading.collector.table(field),
  };
}

/** What a rebuild did, for the source text and the CLI's report. */
export interface BuildResult {
  sheet: RegionPrices;
  refreshed: string[];
  kept: string[];
  /** Optional sections the offer files did not cover and no current sheet had. */
  omitted: string[];
}

const isoDate = (timestamp: string) => timestamp.slice(0, 10);

function describeOffer(reading: OfferReading): string {
  return `${reading.meta.offerCode} version ${reading.meta.version}, published ${isoDate(reading.meta.publicationDate)} (${reading.location})`;
}

/**
 * Builds `region`'s price sheet from the offer files read (`readings`, by offer code): every
 * section whose offer was read is rebuilt, every other one is kept from `current`.
 * @throws AtlasError `VALIDATION_FAILED` naming the section when a required section has neither
 *   an offer file nor a current sheet, or an offer file read lacks one of its figures.
 */
export function buildSheet(region: string, readings: ReadonlyMap<string, OfferReading>, current: RegionPrices | undefined): BuildResult {
  const sheet: Sheet = {};
  const refreshed: string[] = [];
  const kept: string[] = [];
  const omitted: string[] = [];
  for (const section of SECTIONS) {
    const reading = readings.get(section.offer);
    const existing = current ? (current as unknown as Sheet)[section.name] : undefined;
    if (reading) {
      const provenance = { asOf: isoDate(reading.meta.publicationDate), source: `AWS Price List bulk offer file ${describeOffer(reading)}` };
      try {
        Object.assign(sheet, section.build(getter(reading), current, provenance));
        refreshed.push(section.name);
        continue;
      } catch (error) {
        if (!(error instanceof MissingFigure)) throw error;
        if (!section.optional) throw missing(region, section, reading, error.message);
      }
    }
    if (existing !== undefined) {
      sheet[section.name] = existing;
      kept.push(section.name);
    } else if (section.optional) {
      omitted.push(section.name);
    } else {
      throw missing(region, section, undefined, section.name);
    }
  }
  keepUnread(sheet, current, refreshed, kept);
  const result = { refreshed, kept, omitted };
  const header = sheetHeader(region, readings, current, result);
  const parsed = regionPricesSchema.safeParse({ ...header, ...sheet });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    throw new AtlasError("VALIDATION_FAILED", `the rebuilt ${region} sheet is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, {
      issues,
    });
  }
  return { sheet: parsed.data, ...result };
}

// Sections no offer file feeds (WAF, Gateway Load Balancer) and compact
// tables a refreshed explicit table does not replace.
function keepUnread(sheet: Sheet, current: RegionPrices | undefined, refreshed: string[], kept: string[]): void {
  if (!current) return;
  const source = current as unknown as Sheet;
  for (const name of KEPT_ALWAYS) {
    if (source[name] !== undefined) {
      sheet[name] = source[name];
      kept.push(name);
    }
  }
  for (const [name, replacedBy] of Object.entries(REPLACED_BY)) {
    if (source[name] !== undefined && !refreshed.includes(replacedBy)) {
      sheet[name] = source[name];
      kept.push(name);
    }
  }
}

function missing(region: string, section: Section, reading: OfferReading | undefined, what: string): AtlasError {
  const message = reading
    ? `section "${section.name}" of ${region}: the ${section.offer} offer file (${reading.location}) has no price for ${what}`
    : `section "${section.name}" of ${region}: no ${section.offer} offer file was given and there is no current ${region} sheet to keep it from`;
  return new AtlasError("VALIDATION_FAILED", message, { issues: [{ path: section.name, message }] });
}

function sheetHeader(
  region: string,
  readings: ReadonlyMap<string, OfferReading>,
  current: RegionPrices | undefined,
  result: { refreshed: string[]; kept: string[]; omitted: string[] },
) {
  const used = [...readings.values()].filter((reading) => SECTIONS.some((s) => s.offer === reading.meta.offerCode && result.refreshed.includes(s.name)));
  const dates = used.map((r) => isoDate(r.meta.publicationDate)).sort();
  const versions = used.map((r) => r.meta.version).sort();
  const newest = versions[versions.length - 1];
  if (!newest || !dates[0]) {
    throw new AtlasError("VALIDATION_FAILED", `no offer file for ${region} yielded any section: nothing to refresh`);
  }
  const partial = result.kept.some((name) => SECTIONS.some((s) => s.name === name && !s.optional));
  const location = KNOWN_REGIONS[region]?.location ?? region;
  const keptText = result.kept.length
    ? ` Kept from the previous sheet (priceVersion ${current?.priceVersion}, asOf ${current?.asOf}; sections with their own asOf/source keep them): ${result.kept.join(", ")}.`
    : "";
  const omittedText = result.omitted.length ? ` Not priced (no figures): ${result.omitted.join(", ")}.` : "";
  return {
    region,
    currency: "USD" as const,
    priceVersion: partial && current ? `aws-offers-${newest}+${current.priceVersion}` : `aws-offers-${newest}`,
    // the oldest publication date among the files read: no figure is claimed newer than it is
    asOf: dates[0],
    source:
      `AWS Price List bulk offer files for ${location} (${region}), rebuilt by \`pnpm prices refresh\`: on-demand list prices, ` +
      `Linux/UNIX, shared tenancy, Single-AZ, first paid tier (free tiers skipped). Files: ${used.map(describeOffer).join("; ")}. ` +
      `Refreshed sections: ${result.refreshed.join(", ")}.${keptText}${omittedText} ` +
      "Fargate Spot, WAF and Gateway Load Balancer are not read from offer files.",
    hoursPerMonth: HOURS_PER_MONTH,
  };
}
