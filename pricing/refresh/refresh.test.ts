import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RegionPrices, regionPricesSchema } from "../catalogue.js";
import { refreshRegion } from "./refresh.js";
import { usageBase } from "./regions.js";
import { folderSource, hostSource } from "./sources.js";

/*
 * The recorded excerpts in fixtures/offers are small offer files in AWS's real CSV and JSON
 * layouts for eu-central-1, each with decoys priced differently from the row that must win
 * (Windows, dedicated tenancy, reserved terms, capacity reservations, BYOL vs licence included,
 * Multi-AZ, other regions and Local Zones, later pricing tiers, free tiers), so picking a decoy
 * changes a figure these tests check. Decoy prices are made up for that purpose.
 */

const FIXTURES = fileURLToPath(new URL("./fixtures/offers/", import.meta.url));
const SHIPPED = fileURLToPath(new URL("../data/", import.meta.url));

const tmpRoots: string[] = [];
function tmp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpRoots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpRoots) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the fixture offers, keeping only `offers` when given. */
function offersCopy(offers?: string[]): string {
  const dir = tmp("atlas-offers-");
  cpSync(FIXTURES, dir, { recursive: true });
  if (offers) for (const name of readdirSync(dir)) if (!offers.includes(name)) rmSync(join(dir, name), { recursive: true });
  return dir;
}

/** An output folder holding the shipped eu-central-1 sheet as the current one. */
function outWithCurrent(): string {
  const dir = tmp("atlas-sheets-");
  cpSync(join(SHIPPED, "eu-central-1.json"), join(dir, "eu-central-1.json"));
  return dir;
}

const readSheet = (path: string): RegionPrices => regionPricesSchema.parse(JSON.parse(readFileSync(path, "utf8")));

describe("refresh from every recorded offer file", () => {
  let sheet: RegionPrices;
  let previous: RegionPrices;
  let result: Awaited<ReturnType<typeof refreshRegion>>;

  beforeAll(async () => {
    const out = outWithCurrent();
    previous = readSheet(join(out, "eu-central-1.json"));
    result = await refreshRegion({ region: "eu-central-1", source: await folderSource(FIXTURES), outDir: out });
    sheet = readSheet(result.path);
  });

  it("prices EC2 Linux shared on-demand only: not Windows, RHEL, dedicated, reserved, capacity reservations, SQL, BYOL, Local Zones or us-east-1", () => {
    expect(sheet.ec2).toEqual({ "c5.large": 0.097, "m5.large": 0.115, "m7g.large": 0.0979, "r5.large": 0.152, "t3.micro": 0.012 });
    // the explicit table now lists every type the offer sells: the compact family table goes
    expect(sheet.ec2Families).toBeUndefined();
  });

  it("reads EBS per volume type, IOPS and throughput (GiBps-month converted to MBps-month), and the io2 IOPS tiers", () => {
    expect(sheet.ebs).toEqual({
      storageGbMonth: { gp2: 0.119, gp3: 0.0952, io1: 0.149, st1: 0.054, sc1: 0.018 },
      io1IopsMonth: 0.078,
      gp3IopsMonth: 0.006,
      gp3ThroughputMbpsMonth: 0.048,
    });
    expect(sheet.ebsMore).toMatchObject({
      io2GbMonth: 0.149,
      io2IopsMonth: { upTo32000: 0.078, upTo64000: 0.0546, above64000: 0.03822 },
      standardGbMonth: 0.059,
      standardIoPerMillion: 0.06,
      asOf: "2025-12-01",
    });
    expect(sheet.nat).toEqual({ hour: 0.052, gbProcessed: 0.052 });
  });

  it("reads RDS Single-AZ rates per engine and licence, never Multi-AZ, reserved, MariaDB, BYOL SQL Server or I/O-Optimized Aurora", () => {
    expect(sheet.rds).toEqual({
      postgres: { "db.m6g.large": 0.186, "db.t3.micro": 0.021 },
      mysql: { "db.t3.micro": 0.02 },
      storageGbMonth: { gp2: 0.133, gp3: 0.133, io1: 0.149 },
      io1IopsMonth: 0.12,
      gp3IopsMonth: 0.024,
      backupGbMonth: 0.095,
    });
    expect(sheet.rdsClasses?.tables).toEqual({
      "oracle-byol": { "db.m5.large": 0.215 },
      "oracle-se2-li": { "db.m5.large": 0.363 },
      "sqlserver-ex-li": { "db.t3.micro": 0.026 },
      "sqlserver-web-li": { "db.t3.small": 0.063 },
      "sqlserver-se-li": { "db.m5.large": 1.04 },
      "sqlserver-ee-li": { "db.m5.large": 1.1 },
    });
    expect(sheet.rdsStorage).toMatchObject({ io2GbMonth: 0.149, io2IopsMonth: 0.119, magneticGbMonth: 0.116, magneticIoPerMillion: 0.116, asOf: "2025-12-02" });
    // Aurora MySQL's rate where both editions list a class; Aurora PostgreSQL fills the rest
    expect(sheet.aurora).toEqual({
      instances: { "db.r6g.large": 0.298, "db.t4g.medium": 0.085 },
      serverlessAcuHour: 0.14,
      storageGbMonth: 0.11,
      ioPerMillion: 0.22,
    });
  });

  it("reads ElastiCache Redis OSS nodes (not Memcached, reserved or Serverless) and derives the Valkey multiplier", () => {
    expect(sheet.elasticache).toEqual({ nodes: { "cache.r6g.large": 0.249, "cache.t3.micro": 0.02 }, valkeyMultiplier: 0.8 });
  });

  it("reads ALB and NLB apart, and skips Gateway, Classic and trust-store usage", () => {
    expect(sheet.elb).toEqual({ albHour: 0.027, albLcuHour: 0.008, nlbHour: 0.027, nlbLcuHour: 0.006 });
  });

  it("takes the first paid tier, skipping free tiers, and converts per-request prices to the sheet's units", () => {
    expect(sheet.s3).toEqual({ standardGbMonth: 0.0245, putPer1k: 0.0054, getPer1k: 0.00043 });
    expect(sheet.cloudwatch).toEqual({ alarmMonth: 0.1, highResAlarmMonth: 0.3, logIngestGb: 0.63, logStorageGbMonth: 0.0324 });
    expect(sheet.cloudwatchMore).toMatchObject({ metricMonth: 0.3, compositeAlarmMonth: 0.5 });
    expect(sheet.kms).toEqual({ keyMonth: 1, per10kRequests: 0.03 });
    expect(sheet.sqs).toEqual({ perMillionRequests: 0.4 });
    expect(sheet.sns).toEqual({ perMillionRequests: 0.5 });
    expect(sheet.lambda).toEqual({ perMillionRequests: 0.2, gbSecond: 0.0000166667 });
    expect(sheet.secretsManager).toEqual({ secretMonth: 0.4, per10kApiCalls: 0.05 });
    expect(sheet.dataTransfer).toEqual({ internetOutGb: 0.09 });
    expect(sheet.cloudfront).toEqual({ dataOutGb: 0.085, per10kHttpsRequests: 0.01 });
    expect(sheet.vpcEndpoint).toMatchObject({ interfaceAzHour: 0.012, gbProcessed: 0.01, asOf: "2025-11-28" });
    expect(sheet.publicIpv4Hour).toBe(0.005);
  });

  it("reads Fargate Linux x86 and ARM (not Windows, not us-east-1) and keeps the Spot reading, which no offer file has", () => {
    expect(sheet.fargate).toEqual({
      x86_64: { vcpuHour: 0.04656, gbHour: 0.00511 },
      arm64: { vcpuHour: 0.03725, gbHour: 0.00409 },
      ephemeralGbHour: 0.000122,
      spot: previous.fargate.spot,
    });
    expect(sheet.eks).toEqual({ clusterHour: 0.1 });
  });

  it("dates the sheet by the oldest offer read, versions it by the newest, and names every file and what it kept", () => {
    expect(sheet.asOf).toBe("2025-11-10");
    expect(sheet.priceVersion).toBe("aws-offers-20251202160000");
    expect(sheet.source).toContain("AmazonEC2 version 20251201174512, published 2025-12-01");
    expect(sheet.source).toContain("AmazonCloudFront version 20251115151515");
    expect(sheet.source).toMatch(/Kept from the previous sheet .*: waf\./);
    expect(result.kept).toEqual(["waf"]);
    expect(sheet.waf).toEqual(previous.waf);
  });
});

describe("refresh with some offer files", () => {
  it("rebuilds the sections of the offers given and keeps every other one, saying which", async () => {
    const out = outWithCurrent();
    const previous = readSheet(join(out, "eu-central-1.json"));
    const result = await refreshRegion({ region: "eu-central-1", source: await folderSource(offersCopy(["AmazonEC2"])), outDir: out });
    const sheet = readSheet(result.path);
    expect(result.refreshed).toEqual(["ec2", "ebs", "ebsMore", "nat"]);
    expect(sheet.ec2["t3.micro"]).toBe(0.012);
    expect(sheet.rds).toEqual(previous.rds);
    expect(sheet.s3).toEqual(previous.s3);
    expect(sheet.asOf).toBe("2025-12-01");
    expect(sheet.priceVersion).toBe(`aws-offers-20251201174512+${previous.priceVersion}`);
    expect(sheet.source).toContain("Refreshed sections: ec2, ebs, ebsMore, nat.");
    expect(sheet.source).toMatch(/Kept from the previous sheet \(priceVersion aws-list-2025-06, asOf 2025-06-01.*\): publicIpv4Hour, vpcEndpoint/);
  });

  it("--offer reads only the offers named", async () => {
    const result = await refreshRegion({ region: "eu-central-1", source: await folderSource(FIXTURES), outDir: outWithCurrent(), offers: ["awskms"] });
    expect(result.offersRead).toEqual(["awskms"]);
    expect(result.refreshed).toEqual(["kms"]);
  });

  it("without a current sheet, a missing section is an error naming it, and nothing is written", async () => {
    const out = tmp("atlas-empty-");
    const source = await folderSource(offersCopy(["AmazonEC2"]));
    await expect(refreshRegion({ region: "eu-central-1", source, outDir: out })).rejects.toThrow(
      /section "publicIpv4Hour" of eu-central-1: no AmazonVPC offer file was given and there is no current eu-central-1 sheet/,
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it("without a current sheet, Fargate Spot (never in an offer file) is the missing figure named", async () => {
    const out = tmp("atlas-empty-");
    await expect(refreshRegion({ region: "eu-central-1", source: await folderSource(FIXTURES), outDir: out })).rejects.toThrow(/fargate\.spot/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe("refresh refuses what it cannot trust, and leaves the old sheet as it was", () => {
  async function refuse(edit: (dir: string) => void, message: RegExp): Promise<void> {
    const offers = offersCopy();
    edit(offers);
    const out = outWithCurrent();
    const before = readFileSync(join(out, "eu-central-1.json"), "utf8");
    await expect(refreshRegion({ region: "eu-central-1", source: await folderSource(offers), outDir: out })).rejects.toThrow(message);
    expect(readFileSync(join(out, "eu-central-1.json"), "utf8")).toBe(before);
    expect(readdirSync(out)).toEqual(["eu-central-1.json"]);
  }
  const ec2Csv = (dir: string) => join(dir, "AmazonEC2", "eu-central-1.csv");

  it("a truncated CSV row", async () => {
    await refuse((dir) => {
      const lines = readFileSync(ec2Csv(dir), "utf8").split("\n");
      lines[8] = lines[8]?.split(",").slice(0, 5).join(",") ?? "";
      writeFileSync(ec2Csv(dir), lines.join("\n"));
    }, /malformed offer file .*AmazonEC2\/eu-central-1.csv: line 9 has 5 fields/);
  });

  it("a JSON file that does not parse", async () => {
    await refuse((dir) => writeFileSync(join(dir, "AmazonRDS", "eu-central-1.json"), '{"products": {'), /malformed offer file .*AmazonRDS.*not JSON/);
  });

  it("an offer file under another offer's folder", async () => {
    await refuse(
      (dir) => cpSync(join(dir, "AmazonSNS", "eu-central-1.csv"), join(dir, "AWSQueueService", "eu-central-1.csv")),
      /offer code is "AmazonSNS", expected "AWSQueueService"/,
    );
  });

  it("an offer file lacking a figure of a required section", async () => {
    await refuse((dir) => {
      const kept = readFileSync(ec2Csv(dir), "utf8")
        .split("\n")
        .filter((line) => !line.includes("NatGateway-Hours"));
      writeFileSync(ec2Csv(dir), kept.join("\n"));
    }, /section "nat" of eu-central-1: the AmazonEC2 offer file .* has no price for nat.hour/);
  });

  it("two different prices for the same figure", async () => {
    await refuse((dir) => {
      const lines = readFileSync(ec2Csv(dir), "utf8").split("\n");
      const twin = (lines[6] ?? "").replaceAll("QX7FKD2M9R4T0001", "QX7FKD2M9R4T9999").replace('"0.0120000000","USD"', '"0.0130000000","USD"');
      writeFileSync(ec2Csv(dir), [...lines.slice(0, 7), twin, ...lines.slice(7)].join("\n"));
    }, /ec2 "t3.micro" matches SKUs with different prices: QX7FKD2M9R4T0001 \(0.012\), QX7FKD2M9R4T9999 \(0.013\)/);
  });

  it("an unknown region code or offer code", async () => {
    const source = await folderSource(FIXTURES);
    await expect(refreshRegion({ region: "eu-middle-9", source, outDir: tmp("x-") })).rejects.toThrow(/unknown region code "eu-middle-9"/);
    await expect(refreshRegion({ region: "eu-central-1", source, outDir: tmp("x-"), offers: ["AmazonEC3"] })).rejects.toThrow(
      /unknown offer code\(s\) AmazonEC3/,
    );
  });

  it("a folder with no offer file for the region", async () => {
    await expect(refreshRegion({ region: "us-west-2", source: await folderSource(offersCopy(["AmazonEC2"])), outDir: tmp("x-") })).rejects.toThrow(
      /has no offer file for us-west-2/,
    );
    // the global CloudFront file alone cannot make a sheet: the first regional section is named
    await expect(refreshRegion({ region: "us-west-2", source: await folderSource(FIXTURES), outDir: tmp("x-") })).rejects.toThrow(
      /section "ec2" of us-west-2: no AmazonEC2 offer file was given/,
    );
  });

  it("an output folder that does not exist", async () => {
    const out = join(tmp("x-"), "missing");
    await expect(refreshRegion({ region: "eu-central-1", source: await folderSource(FIXTURES), outDir: out })).rejects.toThrow(
      /output folder .*missing does not exist/,
    );
  });

  it("a source folder that does not exist", async () => {
    await expect(folderSource(join(tmpdir(), "atlas-no-such-offers"))).rejects.toMatchObject({ code: "UPSTREAM_FAILED" });
  });
});

describe("an optional section the offer file cannot fill", () => {
  it("is kept from the current sheet, or left out and named when there is none", async () => {
    const offers = offersCopy(["AmazonEC2"]);
    const csv = join(offers, "AmazonEC2", "eu-central-1.csv");
    writeFileSync(
      csv,
      readFileSync(csv, "utf8")
        .split("\n")
        .filter((line) => !line.includes("io2"))
        .join("\n"),
    );
    const result = await refreshRegion({ region: "eu-central-1", source: await folderSource(offers), outDir: outWithCurrent() });
    expect(result.omitted).toContain("ebsMore");
    expect(readSheet(result.path).ebsMore).toBeUndefined();
    expect(readSheet(result.path).source).toMatch(/Not priced \(no figures\): .*ebsMore/);
  });
});

describe("usageBase", () => {
  it("strips the region's billing prefix or its code, and rejects another region's", () => {
    expect(usageBase("EUC1-NatGateway-Hours", "eu-central-1")).toBe("NatGateway-Hours");
    expect(usageBase("eu-central-1-KMS-Keys", "eu-central-1")).toBe("KMS-Keys");
    expect(usageBase("EU-NatGateway-Hours", "eu-west-1")).toBe("NatGateway-Hours");
    expect(usageBase("BoxUsage:t3.micro", "us-east-1")).toBe("BoxUsage:t3.micro");
    expect(usageBase("USE1-BoxUsage:t3.micro", "us-east-1")).toBe("BoxUsage:t3.micro");
    expect(usageBase("USE1-BoxUsage:t3.micro", "eu-central-1")).toBeUndefined();
    expect(usageBase("KMS-Keys", "eu-central-1")).toBe("KMS-Keys");
  });
});

describe("refresh from a Price List host", () => {
  let server: Server;
  let base: string;
  const requested: string[] = [];

  beforeAll(async () => {
    // a stand-in for pricing.us-east-1.amazonaws.com: offer index, region indexes, CSV offer files
    const files: Record<string, string> = {
      "/offers/v1.0/aws/index.json": JSON.stringify({
        formatVersion: "v1.0",
        publicationDate: "2025-12-02T00:00:00Z",
        offers: {
          awskms: { offerCode: "awskms", currentRegionIndexUrl: "/offers/v1.0/aws/awskms/current/region_index.json" },
          AmazonEKS: { offerCode: "AmazonEKS", currentRegionIndexUrl: "/offers/v1.0/aws/AmazonEKS/current/region_index.json" },
        },
      }),
      "/offers/v1.0/aws/awskms/current/region_index.json": JSON.stringify({
        regions: { "eu-central-1": { regionCode: "eu-central-1", currentVersionUrl: "/offers/v1.0/aws/awskms/20251111111111/eu-central-1/index.json" } },
      }),
      "/offers/v1.0/aws/awskms/20251111111111/eu-central-1/index.csv": jsonOfferAsCsv(join(FIXTURES, "awskms", "eu-central-1.json")),
      "/offers/v1.0/aws/AmazonEKS/current/region_index.json": JSON.stringify({
        regions: { "eu-central-1": { regionCode: "eu-central-1", currentVersionUrl: "/offers/v1.0/aws/AmazonEKS/20251120101010/eu-central-1/index.json" } },
      }),
      "/offers/v1.0/aws/AmazonEKS/20251120101010/eu-central-1/index.csv": readFileSync(join(FIXTURES, "AmazonEKS", "eu-central-1.csv"), "utf8"),
    };
    server = createServer((request, response) => {
      requested.push(request.url ?? "");
      const body = files[request.url ?? ""];
      response.writeHead(body === undefined ? 404 : 200).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("follows the offer index and the region index to each region's CSV", async () => {
    const result = await refreshRegion({ region: "eu-central-1", source: hostSource(base), outDir: outWithCurrent() });
    expect(result.refreshed).toEqual(["eks", "kms"]);
    expect(readSheet(result.path).kms).toEqual({ keyMonth: 1, per10kRequests: 0.03 });
    expect(readSheet(result.path).source).toContain(`${base}/offers/v1.0/aws/AmazonEKS/20251120101010/eu-central-1/index.csv`);
    expect(requested).toContain("/offers/v1.0/aws/awskms/20251111111111/eu-central-1/index.csv");
  });

  it("an unreachable host is an UPSTREAM_FAILED error naming the URL", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(refreshRegion({ region: "eu-central-1", source: hostSource(`http://127.0.0.1:${port}`), outDir: outWithCurrent() })).rejects.toMatchObject({
      code: "UPSTREAM_FAILED",
      message: expect.stringContaining(`cannot read http://127.0.0.1:${port}/offers/v1.0/aws/index.json`),
    });
  });
});

/** The same offer in the CSV layout, so the host serves CSV as AWS does for every offer. */
function jsonOfferAsCsv(path: string): string {
  const offer = JSON.parse(readFileSync(path, "utf8"));
  const head = [
    "SKU",
    "OfferTermCode",
    "RateCode",
    "TermType",
    "PriceDescription",
    "EffectiveDate",
    "StartingRange",
    "EndingRange",
    "Unit",
    "PricePerUnit",
    "Currency",
  ];
  const lines = [
    '"FormatVersion","v1.0"',
    '"Disclaimer","This pricing list is for informational purposes only."',
    `"Publication Date","${offer.publicationDate}"`,
    `"Version","${offer.version}"`,
    `"OfferCode","${offer.offerCode}"`,
    [...head, "Product Family", "usageType", "Region Code", "Location Type"].map((c) => `"${c}"`).join(","),
  ];
  for (const [sku, terms] of Object.entries<Record<string, { priceDimensions: Record<string, Record<string, unknown>> }>>(offer.terms.OnDemand)) {
    const product = offer.products[sku];
    for (const term of Object.values(terms)) {
      for (const d of Object.values(term.priceDimensions)) {
        const cells = [
          sku,
          "JRTCKXETXF",
          d.rateCode,
          "OnDemand",
          d.description,
          "2025-11-11",
          d.beginRange,
          d.endRange,
          d.unit,
          (d.pricePerUnit as { USD: string }).USD,
          "USD",
        ];
        cells.push(product.productFamily, product.attributes.usagetype, product.attributes.regionCode, product.attributes.locationType);
        lines.push(cells.map((c) => `"${String(c)}"`).join(","));
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
