import { GCP_REGIONS } from "../../../pricing/gcp/catalogue.js";
import { priceGcpComponent } from "../../../pricing/gcp/price.js";
import type { GcpSpec } from "../../../pricing/gcp/specs.js";
import type { PlanSpec } from "../../../schemas/plan.js";
import { pipelineSchedule, scheduledRuns } from "../schedule.js";
import { dbStorage } from "../sizing-db.js";
import type { CloudDesign, CloudSized, DbStep } from "./design.js";
import { type CloudDraft, type CloudProfile, nodeCount } from "./profile.js";
import { GCP_SLA, type SlaPart } from "./sla.js";

/**
 * Cloud SQL tiers, smallest first, on the same load scale as the AWS ladder. The shared-core
 * tier is not covered by the Cloud SQL SLA, so an HA or prod design starts at a dedicated core.
 */
const DB_LADDER: readonly DbStep[] = [
  { size: "db-g1-small", vcpu: 1, memoryGb: 1.7, rps: 100, burstable: true },
  { size: "db-custom-1-3840", vcpu: 1, memoryGb: 3.75, rps: 400, burstable: false },
  { size: "db-custom-2-7680", vcpu: 2, memoryGb: 7.5, rps: 1500, burstable: false },
  { size: "db-custom-4-15360", vcpu: 4, memoryGb: 15, rps: 3000, burstable: false },
  { size: "db-custom-8-30720", vcpu: 8, memoryGb: 30, rps: 6000, burstable: false },
  { size: "db-custom-16-61440", vcpu: 16, memoryGb: 60, rps: 12000, burstable: false },
  { size: "db-custom-32-122880", vcpu: 32, memoryGb: 120, rps: 25000, burstable: false },
];

/** Zones per region (Google names them per region; most regions have a, b, c). */
const ZONES: Readonly<Record<string, readonly string[]>> = {
  "europe-west1": ["b", "c", "d"],
  "us-east1": ["b", "c", "d"],
};

function cacheType(d: CloudDesign, s: CloudSized): string {
  if (d.goal.environment !== "prod") return "BASIC:1";
  return s.peak >= 5000 ? "STANDARD_HA:5" : "STANDARD_HA:1";
}

const gb = (n: number) => Number(n.toFixed(2));

/** Google Cloud: Cloud Run or GKE, Cloud SQL, Memorystore, Cloud Storage, Pub/Sub, Cloud Load Balancing, Secret Manager, Cloud Logging. */
export const gcpProfile: CloudProfile<GcpSpec> = {
  cloud: "gcp",
  label: "Google Cloud",
  regions: GCP_REGIONS,
  zonesOf: (region, count) => (ZONES[region] ?? ["a", "b", "c"]).slice(0, Math.max(1, Math.min(3, count))).map((zone) => `${region}-${zone}`),
  dbLadder: DB_LADDER,
  platforms: { serverless: "cloud-run", kubernetes: "gke" },
  names: { serverless: "Cloud Run", kubernetes: "GKE", edge: "external Application Load Balancer", waf: "Cloud Armor" },
  node: { type: "e2-standard-4", allocatableVcpu: 3.5 },

  drafts(d, s, t, alerts, secrets) {
    const goal = d.goal;
    const drafts: CloudDraft<GcpSpec>[] = [];
    const add = (draft: Omit<CloudDraft<GcpSpec>, "optional" | "usage"> & { optional?: boolean; usage?: CloudDraft<GcpSpec>["usage"] }) =>
      drafts.push({ optional: false, usage: {}, ...draft });
    const compute = goal.workload.type === "worker" ? "worker" : goal.workload.type === "data-pipeline" ? "jobs" : "app";
    const hasNetwork = d.runtime !== "none";
    if (hasNetwork)
      add({
        id: "vpc",
        kind: "gcp-vpc",
        role: "VPC network and subnetwork (Private Google Access, flow logs), private services access for Cloud SQL and Memorystore",
        size: null,
        count: 1,
        depends_on: [],
        specs: [],
        free: "VPC networks, subnetworks and firewall rules have no charge",
      });
    if (d.nat)
      add({
        id: "nat",
        kind: "cloud-nat",
        role: "Cloud NAT: egress for private nodes",
        size: null,
        count: 1,
        depends_on: ["vpc"],
        specs: [{ kind: "cloud-nat" }],
        usage: { monthly_data_processed_gb: gb(t.imagePullGb) },
      });
    if (d.ingress === "public" || d.ingress === "cdn") {
      add({
        id: "lb",
        kind: "gcp-load-balancer",
        role:
          d.ingress === "cdn"
            ? "external Application Load Balancer with a backend bucket and Cloud CDN; HTTP redirects to HTTPS"
            : "external Application Load Balancer (TLS 1.2+ policy) to the service; HTTP redirects to HTTPS",
        size: null,
        count: 1,
        depends_on: d.ingress === "cdn" ? ["site"] : [d.runtime === "kubernetes" ? "gke" : compute],
        specs: [{ kind: "load-balancer", forwardingRules: 2 }, { kind: "data-transfer" }],
        usage: { monthly_data_processed_gb: gb(t.outboundGb), monthly_gb: gb(d.ingress === "cdn" ? t.outboundGb : t.outboundGb) },
        ...(d.ingress === "cdn" ? { unpriced: ["Cloud CDN cache fill and cache lookups (not in the catalogue; egress is priced at the internet rate)"] } : {}),
      });
      if (d.waf)
        add({
          id: "armor",
          kind: "cloud-armor",
          role: "Cloud Armor policy: preconfigured OWASP rules and a rate limit",
          size: null,
          count: 1,
          depends_on: ["lb"],
          specs: [{ kind: "cloud-armor", rules: 4 }],
          usage: { monthly_requests: t.requests },
        });
    }
    const deps = [
      hasNetwork ? "vpc" : null,
      d.database ? "db" : null,
      d.cache ? "cache" : null,
      goal.workload.type === "worker" ? "topic" : null,
      "registry",
      secrets > 0 ? "secrets" : null,
    ].filter((x): x is string => x !== null);
    if (d.runtime === "serverless") {
      if (s.pipeline) {
        const p = s.pipeline;
        const schedule = pipelineSchedule(p);
        add({
          id: compute,
          kind: "cloud-run",
          role: `Cloud Run job on a schedule: ${p.tasks} task(s) × ${p.cpu} vCPU per run, ${p.runsPerDay} run(s) a day`,
          size: `${p.cpu} vCPU / ${p.memoryMb / 1024} GiB`,
          count: p.tasks,
          depends_on: [...deps, "data"],
          specs: [
            {
              kind: "cloud-run-job",
              vcpu: p.cpu,
              memoryGb: p.memoryMb / 1024,
              tasksPerRun: p.tasks,
              runsPerMonth: scheduledRuns(schedule).runsPerMonth,
              runMinutes: schedule.run_minutes,
            },
          ],
        });
        add({
          id: "scheduler",
          kind: "cloud-scheduler",
          role: "Cloud Scheduler job starting the runs",
          size: null,
          count: 1,
          depends_on: [compute],
          specs: [{ kind: "cloud-scheduler", jobs: 1 }],
        });
      } else if (s.service) {
        const v = s.service;
        add({
          id: compute,
          kind: "cloud-run",
          role: `${goal.workload.type === "worker" ? "Pub/Sub push worker" : "service"}: ${v.tasks} minimum instances of ${v.cpu} vCPU (CPU always allocated), scaling to ${v.maxTasks}`,
          size: `${v.cpu} vCPU / ${v.memoryMb / 1024} GiB`,
          count: v.tasks,
          depends_on: deps,
          specs: [{ kind: "cloud-run", vcpu: v.cpu, memoryGb: v.memoryMb / 1024, minInstances: v.tasks }],
          usage: { monthly_extra_instance_hours: 0 },
        });
      }
    }
    if (d.runtime === "kubernetes") {
      const nodes = nodeCount(d, s, gcpProfile.node.allocatableVcpu);
      add({
        id: "gke",
        kind: "gke-cluster",
        role: `GKE ${d.zones > 1 ? "regional" : "zonal"} cluster: private nodes, workload identity, shielded nodes, Dataplane V2`,
        size: null,
        count: 1,
        depends_on: ["vpc", "logs"],
        specs: [{ kind: "gke-cluster" }],
      });
      add({
        id: "gke-nodes",
        kind: "gke-node-pool",
        role: `${nodes} × ${gcpProfile.node.type} nodes across ${d.zones} zone(s), 100 GB pd-balanced boot disks`,
        size: gcpProfile.node.type,
        count: nodes,
        depends_on: ["gke", ...deps.filter((id) => id !== "vpc")],
        specs: [
          { kind: "compute-instance", machineType: gcpProfile.node.type, count: nodes },
          { kind: "persistent-disk", type: "pd-balanced", sizeGb: 100, count: nodes },
        ],
      });
    }
    if (d.runtime !== "none")
      add({
        id: "registry",
        kind: "artifact-registry",
        role: "Artifact Registry Docker repository",
        size: null,
        count: 1,
        depends_on: [],
        specs: [{ kind: "artifact-registry" }],
        usage: { storage_gb: 5 },
      });
    if (goal.workload.type === "worker")
      add({
        id: "topic",
        kind: "pubsub",
        role: "Pub/Sub topic, push subscription with a dead-letter topic",
        size: null,
        count: 1,
        depends_on: [],
        specs: [{ kind: "pubsub" }],
        // publish and delivery are both billed, each message at least 1 KB
        usage: { monthly_throughput_gb: gb((t.messages * Math.max(1, t.messageKb) * 2) / (1024 * 1024)) },
      });
    if (d.database) {
      const db = gcpProfile.database(d, s);
      if (db)
        add({
          id: "db",
          kind: d.database.engine === "mysql" ? "cloud-sql-mysql" : "cloud-sql-postgres",
          role: `Cloud SQL ${d.database.engine === "mysql" ? "MySQL" : "PostgreSQL"}${d.database.premiumEdition ? " Enterprise Plus" : ""}${d.database.ha ? ", regional (HA standby in a second zone)" : ", zonal"}${d.database.replicas ? `, ${d.database.replicas} read replica(s)` : ""}, private IP only`,
          size: db.instance_class,
          count: 1 + (d.database.ha ? 1 : 0) + d.database.replicas,
          depends_on: ["vpc"],
          specs: [
            {
              kind: "cloud-sql",
              engine: d.database.engine,
              tier: db.instance_class,
              highAvailability: d.database.ha,
              storageGb: db.storage_gb,
              storageType: "SSD",
              replicas: d.database.replicas,
              ...(d.database.premiumEdition ? { edition: "ENTERPRISE_PLUS" as const } : {}),
            },
          ],
          usage: { backup_storage_gb: 0 },
        });
    }
    if (d.cache) {
      const type = cacheType(d, s);
      const [tier, size] = type.split(":");
      add({
        id: "cache",
        kind: "memorystore-redis",
        role: `Memorystore for Redis ${tier} ${size} GB (AUTH, in-transit encryption)`,
        size: type,
        count: 1,
        depends_on: ["vpc"],
        specs: [{ kind: "memorystore-redis", tier: tier as "BASIC" | "STANDARD_HA", memoryGb: Number(size) }],
      });
    }
    if (goal.workload.type === "static-site" || goal.workload.type === "data-pipeline") {
      const id = goal.workload.type === "static-site" ? "site" : "data";
      const stored = goal.workload.data_size_gb ?? (id === "site" ? 1 : 10);
      add({
        id,
        kind: "gcs-bucket",
        role:
          id === "site"
            ? "Cloud Storage bucket holding the site (uniform access, no public access: served by the load balancer)"
            : "Cloud Storage bucket for the pipeline's data",
        size: "STANDARD",
        count: 1,
        depends_on: [],
        specs: [{ kind: "gcs-bucket", locationType: "region" }],
        usage: {
          storage_gb: stored,
          monthly_class_a_operations: 0,
          monthly_class_b_operations: id === "site" ? Math.round(t.requests * (1 - t.cacheHitRatio)) : 0,
        },
      });
    }
    if (d.runtime !== "none" && secrets > 0)
      add({
        id: "secrets",
        kind: "secret-manager",
        role: `Secret Manager: ${secrets} secret(s), read by the workload's service account only`,
        size: null,
        count: secrets,
        depends_on: [],
        specs: [{ kind: "secret-manager", versions: secrets }],
        usage: { monthly_access_operations: Math.max(10_000, secrets * (s.service?.tasks ?? 1) * 24 * 30) },
      });
    add({
      id: "logs",
      kind: "cloud-logging",
      role: "Cloud Logging: request, container and database logs",
      size: null,
      count: 1,
      depends_on: [],
      specs: [{ kind: "cloud-logging" }],
      usage: { monthly_ingested_gb: t.logGb },
    });
    add({
      id: "alerts",
      kind: "cloud-monitoring-alerts",
      role: `${alerts} Cloud Monitoring alerting policies`,
      size: null,
      count: alerts,
      depends_on: drafts.map((x) => x.id).filter((id) => id !== "vpc"),
      specs: [{ kind: "monitoring-alert", conditions: alerts }],
      priceMayBeMissing: true,
    });
    return drafts;
  },

  slaParts(d) {
    const parts: SlaPart[] = [];
    if (d.ingress === "public" || d.ingress === "cdn") parts.push({ name: "Cloud Load Balancing", sla: GCP_SLA.loadBalancer });
    if (d.goal.workload.type === "worker") parts.push({ name: "Pub/Sub", sla: GCP_SLA.pubsub });
    if (d.runtime === "serverless") parts.push({ name: "Cloud Run", sla: GCP_SLA.cloudRun });
    if (d.runtime === "kubernetes")
      parts.push(
        d.zones >= 2 ? { name: `GKE nodes across ${d.zones} zones`, sla: GCP_SLA.vmsAcrossZones } : { name: "GKE nodes in one zone", sla: GCP_SLA.vmsOneZone },
      );
    // a static site's objects are served from Cloud CDN's cache; only the pipeline reads the bucket in its path
    if (d.goal.workload.type === "data-pipeline") parts.push({ name: "Cloud Storage (regional)", sla: GCP_SLA.storageRegional });
    if (d.database) {
      if (!d.database.ha) parts.push({ name: "Cloud SQL zonal", sla: GCP_SLA.sqlZonal });
      else if (d.database.premiumEdition) parts.push({ name: "Cloud SQL Enterprise Plus, HA", sla: GCP_SLA.sqlEnterprisePlus });
      else parts.push({ name: "Cloud SQL Enterprise, HA", sla: GCP_SLA.sqlHa });
    }
    return parts;
  },

  price(spec, region, usage) {
    const priced = priceGcpComponent(spec, region, usage);
    return { lines: priced.costComponents, priceVersion: priced.priceVersion };
  },

  database(d, s) {
    if (!d.database) return null;
    const step = DB_LADDER[d.database.step] ?? DB_LADDER[DB_LADDER.length - 1];
    if (!step) return null;
    const storage = dbStorage(s.dataGb, 1, d.goal.environment);
    return {
      id: "db",
      engine: d.database.engine,
      engine_version: d.database.engine === "mysql" ? "8.0" : "16",
      // Enterprise Plus has its own shapes: 2 to 128 vCPU, 8 GB of memory per vCPU
      instance_class: d.database.premiumEdition ? `db-perf-optimized-N-${Math.max(2, step.vcpu)}` : step.size,
      multi_az: d.database.ha,
      storage_gb: Math.max(20, storage.storageGb),
      max_storage_gb: Math.max(20, storage.maxStorageGb),
      backup_retention_days: Math.min(35, Math.max(7, d.redundancy.backupRetentionDays)),
      point_in_time_recovery: true,
      read_replicas: d.database.replicas,
      deletion_protection: d.redundancy.deletionProtection,
    };
  },

  cache(d, s) {
    if (!d.cache) return null;
    const type = cacheType(d, s);
    return { id: "cache", engine: "redis", node_type: type, nodes: type.startsWith("STANDARD_HA") ? 2 : 1, multi_az: type.startsWith("STANDARD_HA") };
  },

  network(d): PlanSpec["network"] {
    const edge = d.ingress === "public" || d.ingress === "cdn";
    return {
      vpc_cidr: "10.20.0.0/16",
      availability_zones: gcpProfile.zonesOf(d.goal.region, d.zones),
      public_subnets: [],
      private_subnets: d.runtime === "none" ? [] : ["10.20.0.0/20"],
      nat_gateways: d.nat ? 1 : 0,
      ingress: { type: edge ? "https-lb" : "none", public: edge, tls: true },
      task_subnets: "private",
      vpc_endpoints: [],
      existing_vpc: null,
    };
  },
};
