import { z } from "zod";

const count = z.number().int().nonnegative().optional();
const amount = z.number().nonnegative();

/**
 * An Azure piece of infrastructure described by size alone, as the architect knows it before any
 * Terraform exists (the contract between `nodes/architect` and `pricing/azure`). `count` (default 1)
 * multiplies configuration-based items; usage-based items read the monthly figures listed in
 * `AZURE_USAGE_KEYS`, and without a figure they are usage-based lines with no cost (never $0 silently).
 */
export const azureSpecSchema = z.discriminatedUnion("kind", [
  /** Container Apps, consumption plan: `replicas` run all month (billed at the active rates); usage: requests, extra replica-hours at peak */
  z.object({ kind: z.literal("container-app"), vcpu: amount, memoryGb: amount, replicas: z.number().int().nonnegative() }),
  /** Container Apps job on a schedule: each run starts `replicasPerRun` replicas for `runMinutes` */
  z.object({
    kind: z.literal("container-app-job"),
    vcpu: amount,
    memoryGb: amount,
    replicasPerRun: z.number().int().positive(),
    runsPerMonth: amount,
    runMinutes: amount,
  }),
  /** AKS control plane: `free` tier has no SLA; `standard` carries the uptime SLA (per cluster-hour) */
  z.object({ kind: z.literal("aks-control-plane"), tier: z.enum(["free", "standard"]), count }),
  /** Linux VMs (AKS nodes), pay-as-you-go or Spot, by size (`Standard_D4s_v5`) */
  z.object({ kind: z.literal("vm"), size: z.string().min(1), count, spot: z.boolean().optional() }),
  /** Azure Database for PostgreSQL / MySQL flexible server: compute by SKU (`GP_Standard_D2ds_v5`, `B_Standard_B1ms`), storage per GB; HA doubles both */
  z.object({
    kind: z.enum(["postgres-flexible", "mysql-flexible"]),
    sku: z.string().min(1),
    storageGb: amount,
    highAvailability: z.enum(["none", "SameZone", "ZoneRedundant"]),
    /** read replicas: each a copy of compute and storage */
    replicas: count,
  }),
  /** Azure Cache for Redis: `Basic`/`Standard` family C, `Premium` family P, capacity 0-6; `shards` for Premium clustering */
  z.object({
    kind: z.literal("redis"),
    sku: z.enum(["Basic", "Standard", "Premium"]),
    capacity: z.number().int().min(0).max(6),
    shards: count,
  }),
  /** General-purpose v2 storage account, hot tier; stored data and operations are usage */
  z.object({ kind: z.literal("storage-account"), replication: z.enum(["LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS"]), storageGb: amount.optional() }),
  /** Service Bus namespace: Basic/Standard billed per operation (Standard also per hour), Premium per messaging unit-hour */
  z.object({ kind: z.literal("service-bus"), tier: z.enum(["Basic", "Standard", "Premium"]), messagingUnits: count }),
  /** Front Door Standard or Premium profile (base fee per month); usage: requests, data to clients */
  z.object({ kind: z.literal("front-door"), tier: z.enum(["Standard", "Premium"]) }),
  /** Application Gateway v2 (`Standard_v2` or `WAF_v2`): fixed hours plus `minCapacity` capacity units; usage: capacity units beyond */
  z.object({ kind: z.literal("app-gateway"), sku: z.enum(["Standard_v2", "WAF_v2"]), minCapacity: z.number().int().nonnegative() }),
  /** A WAF policy on Front Door Standard: per policy and per custom rule a month (Premium includes managed rules) */
  z.object({ kind: z.literal("waf-policy"), customRules: z.number().int().nonnegative(), count }),
  /** Key Vault: operations are usage; premium HSM keys per key a month */
  z.object({ kind: z.literal("key-vault"), tier: z.enum(["standard", "premium"]), hsmKeys: count }),
  /** Log Analytics workspace, pay-as-you-go: ingestion and retention beyond the included days are usage */
  z.object({ kind: z.literal("log-analytics") }),
  /** Azure Monitor metric alert rules (per monitored time series a month) */
  z.object({ kind: z.literal("monitor-alert"), count }),
  /** NAT gateway: per gateway-hour; data processed is usage */
  z.object({ kind: z.literal("nat-gateway"), count }),
  /** Standard public IPv4 address, per hour */
  z.object({ kind: z.literal("public-ip"), count }),
  /** Private endpoint: per endpoint-hour; data processed is usage */
  z.object({ kind: z.literal("private-endpoint"), count }),
  /** Container Registry by SKU, per day */
  z.object({ kind: z.literal("container-registry"), sku: z.enum(["Basic", "Standard", "Premium"]) }),
  /** Private (or public) DNS zone hosted by Azure DNS, per zone a month; queries are not priced */
  z.object({ kind: z.literal("private-dns-zone"), count }),
  /** Managed disks (AKS node OS disks) billed by the size tier that holds `sizeGb` (P10 = 128 GiB), per disk a month */
  z.object({ kind: z.literal("managed-disk"), sku: z.enum(["Premium_LRS", "StandardSSD_LRS"]), sizeGb: z.number().positive(), count }),
  /** Data transfer out to the internet; omit `monthlyGb` to make it usage-based */
  z.object({ kind: z.literal("data-transfer"), monthlyGb: amount.optional() }),
]);

export type AzureSpec = z.infer<typeof azureSpecSchema>;
export type AzureSpecKind = AzureSpec["kind"];

/** Monthly usage keys each kind reads; anything else in a usage record is ignored. */
export const AZURE_USAGE_KEYS: Readonly<Record<AzureSpecKind, readonly string[]>> = {
  "container-app": ["monthly_requests", "monthly_extra_replica_hours"],
  "container-app-job": [],
  "aks-control-plane": [],
  vm: [],
  "postgres-flexible": ["backup_storage_gb"],
  "mysql-flexible": ["backup_storage_gb"],
  redis: [],
  "storage-account": ["storage_gb", "monthly_write_operations", "monthly_read_operations"],
  "service-bus": ["monthly_operations"],
  "front-door": ["monthly_requests", "monthly_outbound_gb"],
  "app-gateway": ["monthly_capacity_unit_hours"],
  "waf-policy": ["monthly_requests"],
  "key-vault": ["monthly_operations"],
  "log-analytics": ["monthly_ingested_gb"],
  "monitor-alert": [],
  "nat-gateway": ["monthly_data_processed_gb"],
  "public-ip": [],
  "private-endpoint": ["monthly_data_processed_gb"],
  "container-registry": [],
  "private-dns-zone": [],
  "managed-disk": [],
  "data-transfer": ["monthly_gb"],
};
