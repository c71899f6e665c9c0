import { AZURE_REGIONS } from "../../../pricing/azure/catalogue.js";
import { priceAzureComponent } from "../../../pricing/azure/price.js";
import type { AzureSpec } from "../../../pricing/azure/specs.js";
import type { PlanSpec } from "../../../schemas/plan.js";
import { pipelineSchedule, scheduledRuns } from "../schedule.js";
import { dbStorage } from "../sizing-db.js";
import type { CloudDesign, CloudSized, DbStep } from "./design.js";
import { type CloudDraft, type CloudProfile, nodeCount } from "./profile.js";
import { AZURE_SLA, type SlaPart } from "./sla.js";

/**
 * Azure Database for PostgreSQL/MySQL flexible server sizes, smallest first, on the same load
 * scale as the AWS ladder. Burstable sizes cannot have a high-availability standby (Azure's rule),
 * so an HA design starts at General Purpose.
 */
const DB_LADDER: readonly DbStep[] = [
  { size: "B_Standard_B1ms", vcpu: 1, memoryGb: 2, rps: 100, burstable: true },
  { size: "B_Standard_B2s", vcpu: 2, memoryGb: 4, rps: 300, burstable: true },
  { size: "B_Standard_B2ms", vcpu: 2, memoryGb: 8, rps: 600, burstable: true },
  { size: "GP_Standard_D2ds_v5", vcpu: 2, memoryGb: 8, rps: 1500, burstable: false },
  { size: "GP_Standard_D4ds_v5", vcpu: 4, memoryGb: 16, rps: 3000, burstable: false },
  { size: "MO_Standard_E4ds_v5", vcpu: 4, memoryGb: 32, rps: 6000, burstable: false },
  { size: "MO_Standard_E8ds_v5", vcpu: 8, memoryGb: 64, rps: 12000, burstable: false },
  { size: "MO_Standard_E16ds_v5", vcpu: 16, memoryGb: 128, rps: 25000, burstable: false },
];

/** Storage sizes a flexible server can have, GiB. */
const STORAGE_SIZES = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384] as const;

function storageSize(needed: number): number {
  return STORAGE_SIZES.find((size) => size >= needed) ?? 16384;
}

/** `Standard:C1` → the spec's sku and capacity. */
function redisSku(nodeType: string): { sku: "Basic" | "Standard" | "Premium"; capacity: number } {
  const [sku, size] = nodeType.split(":");
  return { sku: sku as "Basic" | "Standard" | "Premium", capacity: Number((size ?? "C1").slice(1)) };
}

function cacheType(d: CloudDesign, s: CloudSized): string {
  if (d.goal.environment === "dev") return "Basic:C0";
  if (d.redundancy.tier === "critical") return "Premium:P1";
  if (d.goal.environment === "staging") return "Standard:C0";
  return s.peak >= 5000 ? "Standard:C2" : "Standard:C1";
}

const kibGb = (gb: number) => Number(gb.toFixed(2));

/** Azure: Container Apps or AKS, flexible server, Azure Cache for Redis, Storage, Service Bus, Front Door, Key Vault, Log Analytics. */
export const azureProfile: CloudProfile<AzureSpec> = {
  cloud: "azure",
  label: "Azure",
  regions: AZURE_REGIONS,
  zonesOf: (_region, count) => ["1", "2", "3"].slice(0, Math.max(1, Math.min(3, count))),
  dbLadder: DB_LADDER,
  platforms: { serverless: "container-apps", kubernetes: "aks" },
  names: { serverless: "Container Apps", kubernetes: "AKS", edge: "Front Door", waf: "Front Door WAF policy" },
  node: { type: "Standard_D4s_v5", allocatableVcpu: 3.2 },

  drafts(d, s, t, alerts, secrets) {
    const goal = d.goal;
    const prod = goal.environment === "prod";
    const drafts: CloudDraft<AzureSpec>[] = [];
    const add = (draft: Omit<CloudDraft<AzureSpec>, "optional" | "usage"> & { optional?: boolean; usage?: CloudDraft<AzureSpec>["usage"] }) =>
      drafts.push({ optional: false, usage: {}, ...draft });
    const compute = goal.workload.type === "worker" ? "worker" : goal.workload.type === "data-pipeline" ? "jobs" : "app";
    const hasNetwork = d.runtime !== "none";
    if (hasNetwork)
      add({
        id: "vnet",
        kind: "azure-vnet",
        role: "virtual network: workload, database and private endpoint subnets",
        size: null,
        count: 1,
        depends_on: [],
        specs: [],
        free: "virtual networks and subnets have no charge",
      });
    if (d.nat)
      add({
        id: "nat",
        kind: "azure-nat-gateway",
        role: "NAT gateway and its public IP: one stable egress address",
        size: null,
        count: 1,
        depends_on: ["vnet"],
        specs: [{ kind: "nat-gateway" }, { kind: "public-ip" }],
        usage: { monthly_data_processed_gb: kibGb(t.imagePullGb) },
      });
    if (d.ingress === "public" || d.ingress === "cdn") {
      const tier = d.waf ? "Premium" : "Standard";
      add({
        id: "edge",
        kind: "azure-front-door",
        role: `Front Door ${tier}: TLS, ${d.ingress === "cdn" ? "caching of the site" : "the public entry point"}${d.waf ? ", WAF with managed rule sets" : ""}`,
        size: tier,
        count: 1,
        depends_on: d.ingress === "cdn" ? ["site"] : [d.runtime === "kubernetes" ? "aks" : compute],
        specs: [{ kind: "front-door", tier }],
        usage: { monthly_requests: t.requests, monthly_outbound_gb: kibGb(d.ingress === "cdn" ? t.outboundGb : t.outboundGb) },
      });
    }
    const workloadDeps = [
      hasNetwork ? "vnet" : null,
      d.database ? "db" : null,
      d.cache ? "cache" : null,
      goal.workload.type === "worker" ? "queue" : null,
      "registry",
      secrets > 0 || d.cmk ? "vault" : null,
    ].filter((x): x is string => x !== null);
    if (d.runtime === "serverless") {
      add({
        id: "env",
        kind: "azure-container-apps-env",
        role: `Container Apps environment (Consumption profile, ${d.zones > 1 ? "zone-redundant" : "one zone"}, in the VNet)`,
        size: "Consumption",
        count: 1,
        depends_on: ["vnet", "logs"],
        specs: [],
        free: "the Consumption workload profile has no environment charge",
      });
      if (s.pipeline) {
        const p = s.pipeline;
        add({
          id: compute,
          kind: "azure-container-app",
          role: `Container Apps job on a schedule: ${p.tasks} × ${p.cpu} vCPU per run, ${p.runsPerDay} run(s) a day`,
          size: `${p.cpu} vCPU / ${p.memoryMb / 1024} GiB`,
          count: p.tasks,
          depends_on: ["env", ...workloadDeps, "data"],
          specs: [
            {
              kind: "container-app-job",
              vcpu: p.cpu,
              memoryGb: p.cpu * 2,
              replicasPerRun: p.tasks,
              runsPerMonth: scheduledRuns(pipelineSchedule(p)).runsPerMonth,
              runMinutes: pipelineSchedule(p).run_minutes,
            },
          ],
        });
      } else if (s.service) {
        const v = s.service;
        add({
          id: compute,
          kind: "azure-container-app",
          role: `${goal.workload.type === "worker" ? "queue worker" : "service"}: ${v.tasks} replicas of ${v.cpu} vCPU, scaling to ${v.maxTasks}`,
          size: `${v.cpu} vCPU / ${v.cpu * 2} GiB`,
          count: v.tasks,
          depends_on: ["env", ...workloadDeps],
          specs: [{ kind: "container-app", vcpu: v.cpu, memoryGb: v.cpu * 2, replicas: v.tasks }],
          usage: { monthly_requests: t.requests, monthly_extra_replica_hours: 0 },
        });
      }
    }
    if (d.runtime === "kubernetes") {
      const nodes = nodeCount(d, s, azureProfile.node.allocatableVcpu);
      const tier = prod ? "standard" : "free";
      add({
        id: "aks",
        kind: "aks-cluster",
        role: `AKS control plane (${tier === "standard" ? "Standard tier: uptime SLA" : "Free tier: no uptime SLA"}), workload identity, Azure Policy, network policy`,
        size: tier,
        count: 1,
        depends_on: ["vnet", "logs"],
        specs: [{ kind: "aks-control-plane", tier }],
        unpriced: [
          "AKS-managed Standard Load Balancer and public IPs for egress and Services of type LoadBalancer (created by AKS, not in the Terraform; not in the catalogue)",
        ],
      });
      add({
        id: "aks-nodes",
        kind: "aks-node-pool",
        role: `${nodes} × ${azureProfile.node.type} nodes across ${d.zones} zone(s), 128 GiB Premium SSD OS disks`,
        size: azureProfile.node.type,
        count: nodes,
        depends_on: ["aks", ...workloadDeps.filter((id) => id !== "vnet")],
        // each node's OS disk is a managed disk (128 GiB Premium SSD, AKS's default for this size)
        specs: [
          { kind: "vm", size: azureProfile.node.type, count: nodes },
          { kind: "managed-disk", sku: "Premium_LRS", sizeGb: 128, count: nodes },
        ],
      });
    }
    if (d.runtime !== "none")
      add({
        id: "registry",
        kind: "azure-container-registry",
        role: "container registry (admin user off; pulled with the workload's managed identity)",
        size: prod ? "Standard" : "Basic",
        count: 1,
        depends_on: [],
        specs: [{ kind: "container-registry", sku: prod ? "Standard" : "Basic" }],
      });
    if (goal.workload.type === "worker") {
      const tier = d.premiumMessaging ? "Premium" : "Standard";
      add({
        id: "queue",
        kind: "azure-service-bus",
        role: `Service Bus ${tier} queue with dead-lettering`,
        size: tier,
        count: 1,
        depends_on: [],
        specs: [{ kind: "service-bus", tier, ...(tier === "Premium" ? { messagingUnits: 1 } : {}) }],
        usage: tier === "Premium" ? {} : { monthly_operations: t.messages * 3 },
      });
    }
    if (d.database) {
      const db = azureProfile.database(d, s);
      if (db) {
        add({
          id: "db",
          kind: d.database.engine === "mysql" ? "azure-mysql" : "azure-postgres",
          role: `${d.database.engine === "mysql" ? "MySQL" : "PostgreSQL"} flexible server${d.database.ha ? ", zone-redundant HA standby" : ""}${d.database.replicas ? `, ${d.database.replicas} read replica(s)` : ""}, private (delegated subnet)`,
          size: db.instance_class,
          count: 1 + (d.database.ha ? 1 : 0) + d.database.replicas,
          depends_on: ["vnet"],
          specs: [
            {
              kind: d.database.engine === "mysql" ? "mysql-flexible" : "postgres-flexible",
              sku: db.instance_class,
              storageGb: db.storage_gb,
              highAvailability: d.database.ha ? "ZoneRedundant" : "none",
              replicas: d.database.replicas,
            },
          ],
          usage: { backup_storage_gb: 0 },
        });
      }
    }
    if (d.cache) {
      const type = cacheType(d, s);
      const { sku, capacity } = redisSku(type);
      add({
        id: "cache",
        kind: "azure-redis",
        role: `Azure Cache for Redis ${type.replace(":", " ")} (TLS only, private)`,
        size: type,
        count: 1,
        depends_on: hasNetwork ? ["vnet"] : [],
        specs: [{ kind: "redis", sku, capacity }],
      });
    }
    if (goal.workload.type === "static-site" || goal.workload.type === "data-pipeline") {
      const id = goal.workload.type === "static-site" ? "site" : "data";
      const stored = goal.workload.data_size_gb ?? (id === "site" ? 1 : 10);
      const replication = prod ? "ZRS" : "LRS";
      const reads = id === "site" ? Math.round(t.requests * (1 - t.cacheHitRatio)) : 0;
      add({
        id,
        kind: "azure-storage",
        role: id === "site" ? "storage account holding the site (static website, served only through Front Door)" : "storage account for the pipeline's data",
        size: replication,
        count: 1,
        depends_on: [],
        specs: [{ kind: "storage-account", replication }],
        usage: { storage_gb: stored, monthly_read_operations: reads, monthly_write_operations: 0 },
      });
    }
    if (d.runtime !== "none" && (secrets > 0 || d.cmk))
      add({
        id: "vault",
        kind: "azure-key-vault",
        role: `Key Vault (RBAC, purge protection)${d.cmk ? " with a customer-managed key" : ""} for secrets${d.cmk ? " and keys" : ""}`,
        size: d.cmk ? "premium" : "standard",
        count: 1,
        depends_on: [],
        specs: [{ kind: "key-vault", tier: d.cmk ? "premium" : "standard", ...(d.cmk ? { hsmKeys: 1 } : {}) }],
        usage: { monthly_operations: Math.max(10_000, secrets * (s.service?.tasks ?? 1) * 24 * 30) },
      });
    add({
      id: "logs",
      kind: "azure-log-analytics",
      role: "Log Analytics workspace: container, database and edge logs",
      size: null,
      count: 1,
      depends_on: [],
      specs: [{ kind: "log-analytics" }],
      usage: { monthly_ingested_gb: t.logGb },
    });
    add({
      id: "alerts",
      kind: "azure-monitor-alerts",
      role: `${alerts} Azure Monitor metric alert rules`,
      size: null,
      count: alerts,
      depends_on: drafts.map((x) => x.id).filter((id) => id !== "vnet"),
      specs: [{ kind: "monitor-alert", count: alerts }],
      priceMayBeMissing: true,
    });
    return drafts;
  },

  slaParts(d) {
    const parts: SlaPart[] = [];
    if (d.ingress === "public" || d.ingress === "cdn") parts.push({ name: "Front Door", sla: AZURE_SLA.frontDoor });
    if (d.goal.workload.type === "worker")
      parts.push({
        name: d.premiumMessaging ? "Service Bus Premium" : "Service Bus Standard",
        sla: d.premiumMessaging ? AZURE_SLA.serviceBusPremium : AZURE_SLA.serviceBusStandard,
      });
    if (d.runtime === "serverless") parts.push({ name: "Container Apps", sla: AZURE_SLA.containerApps });
    if (d.runtime === "kubernetes")
      parts.push(
        d.zones >= 2
          ? { name: `AKS nodes across ${d.zones} zones`, sla: AZURE_SLA.vmsAcrossZones }
          : { name: "AKS nodes in one zone", sla: AZURE_SLA.vmsOneZone },
      );
    // a static site's files are served from Front Door's cache; only the pipeline reads storage in its path
    if (d.goal.workload.type === "data-pipeline") parts.push({ name: "Storage", sla: AZURE_SLA.storage });
    if (d.database) {
      const engine = d.database.engine === "mysql" ? "MySQL" : "PostgreSQL";
      parts.push(
        d.database.ha
          ? { name: `${engine} flexible server, zone-redundant HA`, sla: AZURE_SLA.postgresZoneRedundant }
          : { name: `${engine} flexible server without HA`, sla: AZURE_SLA.postgresNoHa },
      );
    }
    return parts;
  },

  price(spec, region, usage) {
    const priced = priceAzureComponent(spec, region, usage);
    return { lines: priced.costComponents, priceVersion: priced.priceVersion };
  },

  database(d, s) {
    if (!d.database) return null;
    const step = DB_LADDER[d.database.step] ?? DB_LADDER[DB_LADDER.length - 1];
    if (!step) return null;
    const storage = dbStorage(s.dataGb, 1, d.goal.environment);
    const size = storageSize(storage.storageGb);
    return {
      id: "db",
      engine: d.database.engine,
      engine_version: d.database.engine === "mysql" ? "8.0.21" : "16",
      instance_class: step.size,
      multi_az: d.database.ha,
      storage_gb: size,
      max_storage_gb: storageSize(Math.max(size, storage.maxStorageGb)),
      backup_retention_days: Math.min(35, Math.max(7, d.redundancy.backupRetentionDays)),
      point_in_time_recovery: true,
      read_replicas: d.database.replicas,
      deletion_protection: d.redundancy.deletionProtection,
    };
  },

  cache(d, s) {
    if (!d.cache) return null;
    const type = cacheType(d, s);
    return { id: "cache", engine: "redis", node_type: type, nodes: type.startsWith("Basic") ? 1 : 2, multi_az: type.startsWith("Premium") && d.zones > 1 };
  },

  network(d): PlanSpec["network"] {
    return {
      vpc_cidr: "10.20.0.0/16",
      availability_zones: azureProfile.zonesOf(d.goal.region, d.zones),
      public_subnets: [],
      private_subnets: d.runtime === "none" ? [] : ["10.20.0.0/23", "10.20.2.0/24", "10.20.3.0/24"],
      nat_gateways: d.nat ? 1 : 0,
      ingress: {
        type: d.ingress === "public" || d.ingress === "cdn" ? "front-door" : "none",
        public: d.ingress === "public" || d.ingress === "cdn",
        tls: true,
      },
      task_subnets: "private",
      vpc_endpoints: [],
      existing_vpc: null,
    };
  },
};
