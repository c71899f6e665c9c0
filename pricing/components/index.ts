import type { RegionPrices } from "../catalogue.js";
import type { ComponentSpec } from "../component-spec.js";
import type { PricingResult, UsageValues } from "../types.js";
import { priceEc2, priceEksControlPlane, priceFargate, priceLambda } from "./compute.js";
import { priceAuroraInstance, priceAuroraStorage, priceEbs, priceElastiCache, priceRds, priceS3 } from "./data.js";
import { priceAlb, priceCloudFront, priceDataTransfer, priceGwlb, priceNat, priceNlb, pricePublicIpv4, priceVpcEndpoint } from "./network.js";
import { priceAlarm, priceCompositeAlarm, priceKmsKey, priceLogs, priceMetrics, priceSecret, priceSns, priceSqs, priceWaf } from "./services.js";

/**
 * The one place component arithmetic happens: full-precision cost components for `spec`
 * from one region's price sheet. Both `priceComponent` and `estimateCost` call this.
 */
export function priceSpec(spec: ComponentSpec, prices: RegionPrices, values: UsageValues = {}): PricingResult {
  switch (spec.kind) {
    case "ec2":
      return priceEc2(spec, prices);
    case "fargate":
      return priceFargate(spec, prices);
    case "eks-control-plane":
      return priceEksControlPlane(spec, prices);
    case "lambda":
      return priceLambda(prices, values);
    case "rds":
      return priceRds(spec, prices, values);
    case "aurora-instance":
      return priceAuroraInstance(spec, prices, values);
    case "aurora-storage":
      return priceAuroraStorage(prices, values);
    case "elasticache":
      return priceElastiCache(spec, prices);
    case "ebs":
      return priceEbs(spec, prices, values);
    case "s3":
      return priceS3(spec, prices, values);
    case "alb":
      return priceAlb(spec, prices, values);
    case "nlb":
      return priceNlb(spec, prices, values);
    case "gwlb":
      return priceGwlb(spec, prices, values);
    case "nat":
      return priceNat(spec, prices, values);
    case "public-ipv4":
      return pricePublicIpv4(spec, prices);
    case "vpc-endpoint":
      return priceVpcEndpoint(spec, prices, values);
    case "waf":
      return priceWaf(spec, prices, values);
    case "data-transfer":
      return priceDataTransfer(spec, prices, values);
    case "cloudfront":
      return priceCloudFront(prices, values);
    case "cloudwatch-alarm":
      return priceAlarm(spec, prices);
    case "cloudwatch-composite-alarm":
      return priceCompositeAlarm(spec, prices);
    case "cloudwatch-metrics":
      return priceMetrics(spec, prices);
    case "cloudwatch-logs":
      return priceLogs(prices, values);
    case "secrets-manager":
      return priceSecret(spec, prices, values);
    case "kms-key":
      return priceKmsKey(spec, prices, values);
    case "sqs":
      return priceSqs(prices, values);
    case "sns":
      return priceSns(prices, values);
  }
}
