/**
 * Published monthly uptime commitments (percent) of the Azure and Google Cloud services the
 * catalogue uses: the figure below which the provider owes a service credit, so a floor the
 * provider stands behind, not a measurement. The composite estimate multiplies the serial ones,
 * as `redundancy.ts` does for AWS. Read in 2025 from the pages named; they change rarely, but
 * check before quoting. Where a configuration has no published SLA, the figure is an assumption
 * and says so (`assumed`), and the plan repeats that to the approver.
 */
export interface Sla {
  percent: number;
  source: string;
  /** no published commitment for this configuration: the figure is Atlas's assumption */
  assumed?: true;
}

const AZURE_SLA_PAGE = "https://www.microsoft.com/licensing/docs/view/Service-Level-Agreements-SLA-for-Online-Services";

export const AZURE_SLA = {
  frontDoor: { percent: 99.99, source: `Azure Front Door (Standard/Premium): ${AZURE_SLA_PAGE}` },
  containerApps: { percent: 99.95, source: `Azure Container Apps: ${AZURE_SLA_PAGE}` },
  /** AKS nodes are VMs: two or more instances across availability zones */
  vmsAcrossZones: { percent: 99.99, source: `Virtual Machines, two or more instances across availability zones: ${AZURE_SLA_PAGE}` },
  vmsOneZone: { percent: 99.95, source: `Virtual Machines, two or more instances in an availability set or one zone: ${AZURE_SLA_PAGE}` },
  postgresZoneRedundant: { percent: 99.99, source: `Azure Database for PostgreSQL/MySQL flexible server, zone-redundant HA: ${AZURE_SLA_PAGE}` },
  postgresSameZone: { percent: 99.95, source: `Azure Database for PostgreSQL/MySQL flexible server, same-zone HA: ${AZURE_SLA_PAGE}` },
  postgresNoHa: { percent: 99.9, source: `Azure Database for PostgreSQL/MySQL flexible server, without HA: ${AZURE_SLA_PAGE}` },
  serviceBusStandard: { percent: 99.9, source: `Service Bus Basic/Standard: ${AZURE_SLA_PAGE}` },
  serviceBusPremium: { percent: 99.95, source: `Service Bus Premium: ${AZURE_SLA_PAGE}` },
  storage: { percent: 99.9, source: `Storage, hot tier, LRS/ZRS reads and writes: ${AZURE_SLA_PAGE}` },
} as const satisfies Record<string, Sla>;

export const GCP_SLA = {
  loadBalancer: { percent: 99.99, source: "Cloud Load Balancing (external Application Load Balancer): https://cloud.google.com/load-balancing/sla" },
  cloudRun: { percent: 99.95, source: "Cloud Run: https://cloud.google.com/run/sla" },
  /** GKE nodes are Compute Engine instances across zones */
  vmsAcrossZones: { percent: 99.99, source: "Compute Engine, instances in multiple zones: https://cloud.google.com/compute/sla" },
  vmsOneZone: { percent: 99.9, source: "Compute Engine, a single instance: https://cloud.google.com/compute/sla" },
  sqlHa: { percent: 99.95, source: "Cloud SQL Enterprise edition, high availability (regional) instance: https://cloud.google.com/sql/sla" },
  sqlEnterprisePlus: { percent: 99.99, source: "Cloud SQL Enterprise Plus edition, high availability instance: https://cloud.google.com/sql/sla" },
  sqlZonal: {
    percent: 99.5,
    source: "Cloud SQL zonal (non-HA) instance: no published SLA (https://cloud.google.com/sql/sla covers HA instances)",
    assumed: true,
  },
  pubsub: { percent: 99.95, source: "Pub/Sub: https://cloud.google.com/pubsub/sla" },
  storageRegional: { percent: 99.9, source: "Cloud Storage, Standard class, regional: https://cloud.google.com/storage/sla" },
} as const satisfies Record<string, Sla>;

/** One serial dependency of a design and its SLA. */
export interface SlaPart {
  name: string;
  sla: Sla;
}

/** Product of serial SLAs, percent to 3 dp (the same rounding as the AWS estimate). */
export function composite(parts: readonly SlaPart[]): number {
  const fraction = parts.reduce((acc, part) => acc * (part.sla.percent / 100), 1);
  return Number((fraction * 100).toFixed(3));
}

/** `Front Door 99.99 % × Container Apps 99.95 % = 99.94 %`, marking assumed figures. */
export function compositeArithmetic(parts: readonly SlaPart[]): string {
  return `${parts.map((part) => `${part.name} ${part.sla.percent} %${part.sla.assumed ? " (assumed: no published SLA)" : ""}`).join(" × ")} = ${composite(parts)} %`;
}
