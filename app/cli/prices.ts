import { resolve } from "node:path";
import { type CliIo, isMain, parseCli, processIo, runMain } from "./args.js";

// relative to where the command runs: `pnpm prices` runs at the repository root
const DEFAULT_OUT = "pricing/data";

const usage = (
  command: string,
) => `usage: ${command} refresh [--cloud aws|azure|gcp] --region CODE [--region CODE ...] [--source DIR|URL] [--out DIR] [--offer CODE ...] [--api-key KEY]
  --cloud   aws (default), azure or gcp. Azure: rate cards <out>/azure/<region>.json (default out
            ./pricing/data) from the Azure Retail Prices API (public, no credentials; --source a URL,
            default https://prices.azure.com/api/retail/prices, or a folder of recorded pages
            <folder>/<region>/*.json). Google Cloud: <out>/gcp/<region>.json from the Cloud Billing
            Catalog API (--api-key or GOOGLE_API_KEY; --source a URL, default
            https://cloudbilling.googleapis.com/v1, or a folder <folder>/<service id or slug>/*.json).
            A key no price row matches keeps the current card's value and the card's source says so.
  For aws:
  Rebuilds the price sheets <out>/<region>.json from the AWS Price List bulk offer files (public,
  no credentials): per region, EC2 (Linux/UNIX, shared tenancy, on-demand, per instance type),
  EBS, NAT gateway, public IPv4, VPC endpoints, data transfer out, Fargate, EKS, RDS per
  engine/licence (Single-AZ), Aurora, ElastiCache, ALB/NLB, S3, CloudWatch, Secrets Manager, KMS,
  SQS, SNS, Lambda and CloudFront; tiered prices take the first paid tier.
  --source  a folder holding <offerCode>/<region>.csv or .json (e.g. AmazonEC2/eu-central-1.csv;
            AmazonCloudFront may be global.csv), or a Price List host URL
            (default https://pricing.us-east-1.amazonaws.com: offer index, region index, then
            the region's CSV, streamed: the EC2 one is several GB)
  --out     folder of the sheets (default ./pricing/data); the current sheet there is the base
  --offer   read only these offer codes (e.g. --offer AmazonRDS); others keep their sections
  A section whose offer file is not given keeps the current sheet's figures, and the new sheet's
  source says which sections were refreshed and which kept. Fargate Spot, WAF and Gateway
  Load Balancer are never read from offer files: they are kept. A region
  with no current sheet needs every offer file. The sheet is validated and written through a
  temporary file, so a failure leaves the old one untouched. Needs network access to the AWS
  host, or offer files downloaded beforehand into a folder.
  Exit codes: 0 written, 2 usage error, unknown region, unreachable source, malformed file or
  missing section (nothing written for that region).`;

/** `pnpm prices refresh ...` / `atlas prices refresh ...`: rebuilds price sheets; returns the exit code. */
export async function main(argv: string[], command = "pnpm prices", io: CliIo = processIo): Promise<number> {
  const args = parseCli(
    argv,
    {
      usage: usage(command),
      options: {
        region: { type: "string", multiple: true },
        source: { type: "string" },
        out: { type: "string" },
        offer: { type: "string", multiple: true },
        cloud: { type: "string" },
        "api-key": { type: "string" },
      },
      minPositionals: 1,
      maxPositionals: 1,
    },
    io,
  );
  if (typeof args === "number") return args;
  if (args.positionals[0] !== "refresh") {
    io.stderr(`error: unknown subcommand "${args.positionals[0]}"\n${usage(command)}\n`);
    return 2;
  }
  const regions = args.values.region ?? [];
  if (!regions.length) {
    io.stderr(`error: --region is required\n${usage(command)}\n`);
    return 2;
  }
  const cloud = args.values.cloud ?? "aws";
  if (cloud !== "aws" && cloud !== "azure" && cloud !== "gcp") {
    io.stderr(`error: --cloud must be aws, azure or gcp, got "${cloud}"\n${usage(command)}\n`);
    return 2;
  }
  if (cloud !== "aws") return refreshOtherCloud(cloud, regions, args.values, io);
  // loaded only now: --help and usage errors need none of it
  const [{ refreshRegion }, { openSource }, { AtlasError }] = await Promise.all([
    import("../../pricing/refresh/refresh.js"),
    import("../../pricing/refresh/sources.js"),
    import("../../lib/errors.js"),
  ]);
  const outDir = resolve(args.values.out ?? DEFAULT_OUT);
  let failed = false;
  try {
    const source = await openSource(args.values.source);
    for (const region of regions) {
      try {
        const result = await refreshRegion({ region, source, outDir, offers: args.values.offer, log: (line) => io.stderr(`${line}\n`) });
        io.stdout(
          `${region}: wrote ${result.path} (priceVersion ${result.sheet.priceVersion}, asOf ${result.sheet.asOf})\n` +
            `  refreshed: ${result.refreshed.join(", ")}\n` +
            (result.kept.length ? `  kept from the previous sheet: ${result.kept.join(", ")}\n` : ""),
        );
      } catch (error) {
        if (!(error instanceof AtlasError)) throw error;
        io.stderr(`error: ${region}: ${error.message}\n`);
        failed = true;
      }
    }
  } catch (error) {
    if (!(error instanceof AtlasError)) throw error;
    io.stderr(`error: ${error.message}\n`);
    return 2;
  }
  return failed ? 2 : 0;
}

/** Azure or Google Cloud cards: one line per region with what was read and what was kept. */
async function refreshOtherCloud(
  cloud: "azure" | "gcp",
  regions: readonly string[],
  values: { source?: string | undefined; out?: string | undefined; "api-key"?: string | undefined },
  io: CliIo,
): Promise<number> {
  const [{ refreshAzurePrices }, { refreshGcpPrices }, { AtlasError }] = await Promise.all([
    import("../../pricing/refresh/azure.js"),
    import("../../pricing/refresh/gcp.js"),
    import("../../lib/errors.js"),
  ]);
  const out = resolve(values.out ?? DEFAULT_OUT, cloud);
  const log = (line: string) => io.stderr(`${line}\n`);
  const source = values.source === undefined ? {} : { source: values.source };
  try {
    const lines =
      cloud === "azure"
        ? (await refreshAzurePrices({ regions, out, log, ...source })).map(
            (r) =>
              `${r.region}: wrote ${r.path} (priceVersion ${r.priceVersion}); read ${r.refreshed.length} rates, kept ${r.kept.length}${r.kept.length ? ` (${r.kept.map((k) => k.key).join(", ")})` : ""}, missing ${r.missing.length}\n`,
          )
        : (await refreshGcpPrices({ regions, out, log, ...source, ...(values["api-key"] ? { apiKey: values["api-key"] } : {}) })).regions.map(
            (r) =>
              `${r.region}: wrote ${r.path} (priceVersion ${r.priceVersion}); read ${r.updated.length} rates, kept ${r.kept.length}${r.kept.length ? ` (${r.kept.join(", ")})` : ""}, missing ${r.missing.length}\n`,
          );
    for (const line of lines) io.stdout(line);
    return 0;
  } catch (error) {
    if (!(error instanceof AtlasError)) throw error;
    io.stderr(`error: ${error.message}\n`);
    return 2;
  }
}

if (isMain(import.meta.url)) runMain(main);
