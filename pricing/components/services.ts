import type { RegionPrices } from "../catalogue.js";
import type { ComponentSpec } from "../component-spec.js";
import type { PricingResult, UsageValues } from "../types.js";
import { fail, monthly, ok, usage } from "./build.js";

type Spec<K extends ComponentSpec["kind"]> = Extract<ComponentSpec, { kind: K }>;

/**
 * CloudWatch metric alarms, standard or high resolution, per alarm metric-month: one metric
 * per alarm, one per metric in a metric-math expression, three for anomaly detection.
 */
export function priceAlarm(spec: Spec<"cloudwatch-alarm">, prices: RegionPrices): PricingResult {
  const high = spec.highResolution ?? false;
  const metrics = spec.metrics ?? 1;
  const note = spec.note ? ` (${spec.note})` : "";
  return ok([
    monthly(
      `${high ? "High-resolution alarm metric" : "Standard-resolution alarm metric"}${note}`,
      "alarm-months",
      high ? prices.cloudwatch.highResAlarmMonth : prices.cloudwatch.alarmMonth,
      metrics * (spec.count ?? 1),
    ),
  ]);
}

/** CloudWatch composite alarms, per alarm-month. */
export function priceCompositeAlarm(spec: Spec<"cloudwatch-composite-alarm">, prices: RegionPrices): PricingResult {
  const rates = prices.cloudwatchMore;
  if (!rates) return fail(`CloudWatch composite alarm rates are not in the ${prices.region} price sheet`);
  return ok([monthly("Composite alarm", "alarm-months", rates.compositeAlarmMonth, spec.count ?? 1)]);
}

/** Metrics billed as CloudWatch custom metrics (first tier), e.g. EC2 detailed monitoring's 7 per instance. */
export function priceMetrics(spec: Spec<"cloudwatch-metrics">, prices: RegionPrices): PricingResult {
  const rates = prices.cloudwatchMore;
  if (!rates) return fail(`CloudWatch custom metric rates are not in the ${prices.region} price sheet`);
  const note = spec.note ? ` (${spec.note})` : "";
  return ok([monthly(`CloudWatch metrics${note}`, "metric-months", rates.metricMonth, spec.metrics * (spec.count ?? 1))]);
}

/** CloudWatch Logs: ingestion and storage, both usage-based. */
export function priceLogs(prices: RegionPrices, values: UsageValues): PricingResult {
  return ok([
    usage("Data ingested", "GB", prices.cloudwatch.logIngestGb, values.monthly_ingested_gb),
    usage("Archival storage", "GB-months", prices.cloudwatch.logStorageGbMonth, values.storage_gb),
  ]);
}

/** Secrets Manager: per secret-month, plus API calls from usage. */
export function priceSecret(spec: Spec<"secrets-manager">, prices: RegionPrices, values: UsageValues): PricingResult {
  const rates = prices.secretsManager;
  return ok([
    monthly("Secret", "secret-months", rates.secretMonth, spec.count ?? 1),
    usage("API requests", "10k requests", rates.per10kApiCalls, values.monthly_api_calls, 1e4),
  ]);
}

/** KMS customer-managed key: per key-month, plus requests from usage. */
export function priceKmsKey(spec: Spec<"kms-key">, prices: RegionPrices, values: UsageValues): PricingResult {
  return ok([
    monthly("Customer managed key", "key-months", prices.kms.keyMonth, spec.count ?? 1),
    usage("Requests", "10k requests", prices.kms.per10kRequests, values.monthly_requests, 1e4),
  ]);
}

/** SQS standard queue requests, usage-based. */
export function priceSqs(prices: RegionPrices, values: UsageValues): PricingResult {
  return ok([usage("Requests", "1M requests", prices.sqs.perMillionRequests, values.monthly_requests, 1e6)]);
}

/** SNS publish requests, usage-based. */
export function priceSns(prices: RegionPrices, values: UsageValues): PricingResult {
  return ok([usage("Publish requests", "1M requests", prices.sns.perMillionRequests, values.monthly_requests, 1e6)]);
}

/** AWS WAF web ACL: per ACL-month and per rule (or managed rule group)-month, plus requests inspected (usage). */
export function priceWaf(spec: Spec<"waf">, prices: RegionPrices, values: UsageValues): PricingResult {
  const rates = prices.waf;
  const acls = spec.count ?? 1;
  return ok([
    monthly("Web ACL", "ACL-months", rates.webAclMonth, acls),
    monthly("Rules and managed rule groups", "rule-months", rates.ruleMonth, spec.rules * acls),
    usage("Requests inspected", "1M requests", rates.perMillionRequests, values.monthly_requests, 1e6),
  ]);
}
