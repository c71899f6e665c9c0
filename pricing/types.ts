/** One priced line of a resource, in the shape Infracost's JSON output uses. */
export interface CostComponent {
  name: string;
  /** Unit `price` is quoted in, e.g. `hours`, `GB-months`, `1M requests`. */
  unit: string;
  /** For hourly-billed items: how many units run at once (e.g. 2 for a Multi-AZ pair). */
  hourlyQuantity?: number;
  /** Units billed per month; null when usage-based and no usage was supplied. */
  monthlyQuantity: number | null;
  /** USD per unit. */
  price: number;
  /** USD per month, rounded to cents; null when usage-based and no usage was supplied. */
  monthlyCost: number | null;
  /** True when the quantity depends on traffic or data rather than on configuration. */
  usageBased: boolean;
}

/** A cost component before rounding; `monthlyCost` is derived from quantity × price. */
export type RawComponent = Omit<CostComponent, "monthlyCost">;

/** Usage figures for one resource or component: monthly quantities keyed by name. */
export type UsageValues = Record<string, number>;

/** Cost of one Terraform resource. */
export interface ResourceCost {
  address: string;
  type: string;
  file: string;
  line: number | null;
  /** Sum of the components' rounded monthly costs; usage-based items without usage count as 0. */
  monthlyCost: number;
  costComponents: CostComponent[];
}

/** A resource the estimator could not price, and why. */
export interface UnsupportedResource {
  address: string;
  type: string;
  reason: string;
}

/** Infracost-like estimate for a set of Terraform resources in one region. */
export interface CostEstimate {
  currency: "USD";
  region: string;
  priceVersion: string;
  /** Sum of the resources' monthly costs (USD, cents). */
  totalMonthlyCost: number;
  /** Usage-based components left unpriced because no usage was supplied for them. */
  totalUsageBasedItems: number;
  /** Priced resources, sorted by address. */
  resources: ResourceCost[];
  /** Resources with a cost the estimator cannot compute, sorted by address. */
  unsupported: UnsupportedResource[];
  /** Addresses of resources that cost nothing by themselves (VPC, subnets, IAM…), sorted. */
  free: string[];
}

/** Options for `estimateCost`. */
export interface EstimateOptions {
  /** AWS region whose price sheet to use, e.g. `us-east-1`. */
  region: string;
  /**
   * Monthly usage per resource address, e.g.
   * `{ "aws_nat_gateway.main": { monthly_data_processed_gb: 500 } }`.
   */
  usage?: Record<string, UsageValues>;
}

/** Result of pricing one component spec, or why it cannot be priced. */
export type PricingResult = { ok: true; components: RawComponent[] } | { ok: false; reason: string };
