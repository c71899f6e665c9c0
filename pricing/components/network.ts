import type { RegionPrices } from "../catalogue.js";
import type { ComponentSpec } from "../component-spec.js";
import type { PricingResult, UsageValues } from "../types.js";
import { fail, hourly, monthly, ok, usage } from "./build.js";

type Spec<K extends ComponentSpec["kind"]> = Extract<ComponentSpec, { kind: K }>;

/** Application load balancer: hours, plus LCU-hours from usage. */
export function priceAlb(spec: Spec<"alb">, prices: RegionPrices, values: UsageValues): PricingResult {
  return ok([
    hourly("Application load balancer", prices.elb.albHour, spec.count ?? 1),
    usage("Load balancer capacity units", "LCU-hours", prices.elb.albLcuHour, values.monthly_lcu_hours),
  ]);
}

/** Network load balancer: hours, plus NLCU-hours from usage. */
export function priceNlb(spec: Spec<"nlb">, prices: RegionPrices, values: UsageValues): PricingResult {
  return ok([
    hourly("Network load balancer", prices.elb.nlbHour, spec.count ?? 1),
    usage("Network load balancer capacity units", "NLCU-hours", prices.elb.nlbLcuHour, values.monthly_lcu_hours),
  ]);
}

/** Gateway Load Balancer: hours, plus GLCU-hours from usage. */
export function priceGwlb(spec: Spec<"gwlb">, prices: RegionPrices, values: UsageValues): PricingResult {
  const rates = prices.gwlb;
  if (!rates) return fail(`Gateway Load Balancer rates are not in the ${prices.region} price sheet`);
  return ok([
    hourly("Gateway load balancer", rates.hour, spec.count ?? 1),
    usage("Gateway load balancer capacity units", "GLCU-hours", rates.glcuHour, values.monthly_glcu_hours),
  ]);
}

/** NAT gateway: hours, plus data processed from usage. */
export function priceNat(spec: Spec<"nat">, prices: RegionPrices, values: UsageValues): PricingResult {
  return ok([hourly("NAT gateway", prices.nat.hour, spec.count ?? 1), usage("Data processed", "GB", prices.nat.gbProcessed, values.monthly_data_processed_gb)]);
}

/** Public IPv4 addresses (Elastic IPs, and those AWS assigns to tasks and instances), billed per hour held. */
export function pricePublicIpv4(spec: Spec<"public-ipv4">, prices: RegionPrices): PricingResult {
  const held = spec.hours === undefined ? "" : ` (held ${Number(spec.hours.toPrecision(4))} h a month)`;
  return ok([hourly(`Public IPv4 address${held}`, prices.publicIpv4Hour, spec.count ?? 1, "hours", spec.hours)]);
}

/**
 * VPC endpoint: an interface endpoint bills each hour it has a network interface in each
 * zone, plus every GB it processes (usage); a gateway endpoint (S3, DynamoDB) is free.
 */
export function priceVpcEndpoint(spec: Spec<"vpc-endpoint">, prices: RegionPrices, values: UsageValues): PricingResult {
  if (spec.type === "gateway") return ok([]);
  if (spec.type === "gateway-load-balancer") return priceGwlbEndpoint(spec, prices, values);
  const rates = prices.vpcEndpoint;
  const azs = spec.azs ?? 1;
  return ok([
    hourly(`Interface endpoint (${azs} AZ${azs === 1 ? "" : "s"})`, rates.interfaceAzHour, azs * (spec.count ?? 1), "AZ-hours"),
    usage("Data processed", "GB", rates.gbProcessed, values.monthly_data_processed_gb),
  ]);
}

/** Gateway Load Balancer endpoints: each sits in one subnet (one zone), billed per endpoint-hour and per GB processed. */
function priceGwlbEndpoint(spec: Spec<"vpc-endpoint">, prices: RegionPrices, values: UsageValues): PricingResult {
  const rates = prices.gwlb;
  if (!rates) return fail(`Gateway Load Balancer endpoint rates are not in the ${prices.region} price sheet`);
  return ok([
    hourly("Gateway Load Balancer endpoint", rates.endpointHour, spec.count ?? 1, "endpoint-hours"),
    usage("Data processed", "GB", rates.endpointGbProcessed, values.monthly_data_processed_gb),
  ]);
}

/** Data transfer out to the internet (first tier): fixed when given, else usage-based. */
export function priceDataTransfer(spec: Spec<"data-transfer">, prices: RegionPrices, values: UsageValues): PricingResult {
  const rate = prices.dataTransfer.internetOutGb;
  const name = "Data transfer out to the internet";
  return ok([spec.monthlyGb === undefined ? usage(name, "GB", rate, values.monthly_gb) : monthly(name, "GB", rate, spec.monthlyGb)]);
}

/** CloudFront: data out (North America/Europe tier) and HTTPS requests, both usage-based. */
export function priceCloudFront(prices: RegionPrices, values: UsageValues): PricingResult {
  const rates = prices.cloudfront;
  return ok([
    usage("Data transfer out (North America, Europe)", "GB", rates.dataOutGb, values.monthly_data_transfer_gb),
    usage("HTTPS requests", "10k requests", rates.per10kHttpsRequests, values.monthly_https_requests, 1e4),
  ]);
}
