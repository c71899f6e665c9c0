import { block, type HclBlock, ref } from "../hcl.js";
import { workloadRole } from "../workload-role.js";
import { APIS, output } from "./base.js";
import { addressPlan } from "./cidr.js";
import { type GcpContext, type GcpSection, nameWith } from "./context.js";

/** Terraform addresses of the network, for the renderers that attach to it. */
export const NETWORK = "google_compute_network.main";
export const SUBNET = "google_compute_subnetwork.workloads";
/** The peering to Google's service producer network; Cloud SQL and Memorystore wait for it. */
export const PRIVATE_SERVICES = "google_service_networking_connection.private_services";
/** Secondary range names of the workload subnet (GKE pods and services). */
export const POD_RANGE = "pods";
export const SERVICE_RANGE = "services";

/**
 * Google's health-check probes come from these ranges
 * (https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges).
 */
export const HEALTH_CHECK_RANGES = ["35.191.0.0/16", "130.211.0.0/22"];

/** How many Cloud NAT gateways the plan asks for (0 or 1: one regional gateway serves every zone). */
export function natCount(ctx: GcpContext): number {
  return Math.min(ctx.plan.network.nat_gateways, 1);
}

/**
 * network.tf: a custom-mode VPC with one regional workload subnet (Private Google Access, flow
 * logs; GKE's pod and service ranges when the design runs GKE), a logged deny-all ingress rule
 * (Google's implied rule denies too, but says nothing in the logs), health-check ingress only
 * for a GKE load balancer (and, for GKE's internal Ingress, the proxy-only subnet its load
 * balancer needs), Cloud NAT only when the plan has a NAT gateway, and private services
 * access (a reserved range peered to Google) when Cloud SQL or Memorystore need private IPs.
 */
export function renderNetwork(ctx: GcpContext): GcpSection[] {
  if (!ctx.hasNetwork) return [];
  const { plan } = ctx;
  const owner = ctx.component(["gcp-vpc"]);
  const ranges = addressPlan(plan);
  const blocks: HclBlock[] = [
    ctx.resource("google_compute_network", "main", owner, {
      name: nameWith(ctx, 63, "vpc"),
      auto_create_subnetworks: false,
      routing_mode: "REGIONAL",
      depends_on: [ref(APIS)],
    }),
    ctx.resource("google_compute_subnetwork", "workloads", owner, {
      name: nameWith(ctx, 63, "workloads"),
      region: plan.region,
      network: ref(`${NETWORK}.id`),
      ip_cidr_range: ranges.workloads,
      private_ip_google_access: true,
      log_config: block({ aggregation_interval: "INTERVAL_5_SEC", flow_sampling: 0.5, metadata: "INCLUDE_ALL_METADATA" }),
      secondary_ip_range: ctx.gke
        ? [block({ range_name: POD_RANGE, ip_cidr_range: ranges.pods }), block({ range_name: SERVICE_RANGE, ip_cidr_range: ranges.services })]
        : undefined,
    }),
    ctx.resource("google_compute_firewall", "deny_all_ingress", owner, {
      name: nameWith(ctx, 63, "deny-all-ingress"),
      network: ref(`${NETWORK}.id`),
      direction: "INGRESS",
      priority: 65534,
      source_ranges: ["0.0.0.0/0"],
      deny: block({ protocol: "all" }),
      log_config: block({ metadata: "INCLUDE_ALL_METADATA" }),
    }),
  ];
  /** Ingress from a load balancer's sources to the GKE nodes, on the service's port only (container-native NEGs send to pod IPs). */
  const toNodes = (name: string, description: string, sources: string[]) =>
    ctx.resource("google_compute_firewall", name, owner, {
      name: nameWith(ctx, 63, name.replaceAll("_", "-")),
      description,
      network: ref(`${NETWORK}.id`),
      direction: "INGRESS",
      priority: 1000,
      source_ranges: sources,
      target_service_accounts: [ref("google_service_account.gke_nodes.email")],
      allow: block({ protocol: "tcp", ports: [String(plan.compute.container_port)] }),
      log_config: block({ metadata: "INCLUDE_ALL_METADATA" }),
    });
  if (ctx.gke && plan.network.ingress.type === "https-lb") {
    blocks.push(
      toNodes("allow_health_checks", "Google load balancer health checks and proxies to the service's pods (container-native NEGs)", HEALTH_CHECK_RANGES),
    );
  }
  if (ctx.gke && workloadRole(plan) === "internal-web") {
    // GKE's gce-internal Ingress is a regional internal Application Load Balancer: its Envoy
    // proxies need the region's proxy-only subnet, and reach the pods (container-native NEGs)
    // from it; its health checks come from Google's ranges. Without the subnet the Ingress never
    // gets an address. Source: cloud.google.com/load-balancing/docs/proxy-only-subnets.
    blocks.push(
      ctx.resource("google_compute_subnetwork", "proxy_only", owner, {
        name: nameWith(ctx, 63, "proxy-only"),
        description: "Proxy-only subnet of the internal Application Load Balancer that GKE's gce-internal Ingress creates",
        region: plan.region,
        network: ref(`${NETWORK}.id`),
        ip_cidr_range: ranges.proxyOnly,
        purpose: "REGIONAL_MANAGED_PROXY",
        role: "ACTIVE",
      }),
      toNodes("allow_internal_lb", "The internal load balancer's proxies and Google's health checks to the service's pods (container-native NEGs)", [
        ranges.proxyOnly,
        ...HEALTH_CHECK_RANGES,
      ]),
    );
  }
  if (natCount(ctx) > 0) {
    const nat = ctx.component(["gcp-vpc"]);
    blocks.push(
      ctx.resource("google_compute_router", "main", nat, { name: nameWith(ctx, 63, "router"), region: plan.region, network: ref(`${NETWORK}.id`) }),
      ctx.resource("google_compute_router_nat", "main", nat, {
        name: nameWith(ctx, 63, "nat"),
        router: ref("google_compute_router.main.name"),
        region: plan.region,
        nat_ip_allocate_option: "AUTO_ONLY",
        source_subnetwork_ip_ranges_to_nat: "LIST_OF_SUBNETWORKS",
        subnetwork: block({ name: ref(`${SUBNET}.id`), source_ip_ranges_to_nat: ["ALL_IP_RANGES"] }),
        log_config: block({ enable: true, filter: "ERRORS_ONLY" }),
      }),
    );
  }
  if (plan.databases.length > 0 || plan.caches.length > 0) {
    blocks.push(
      ctx.resource("google_compute_global_address", "private_services", owner, {
        name: nameWith(ctx, 63, "private-services"),
        description: "Range peered to Google's network for the private IPs of Cloud SQL and Memorystore",
        purpose: "VPC_PEERING",
        address_type: "INTERNAL",
        address: ranges.privateServices.address,
        prefix_length: ranges.privateServices.prefixLength,
        network: ref(`${NETWORK}.id`),
      }),
      ctx.resource("google_service_networking_connection", "private_services", owner, {
        network: ref(`${NETWORK}.id`),
        service: "servicenetworking.googleapis.com",
        reserved_peering_ranges: [ref("google_compute_global_address.private_services.name")],
      }),
    );
  }
  const outputs = [
    output("network_id", "VPC of the design", ref(`${NETWORK}.id`)),
    output("workload_subnet_id", "Subnet of the workloads", ref(`${SUBNET}.id`)),
  ];
  return [
    { file: "network.tf", blocks },
    { file: "outputs.tf", blocks: outputs },
  ];
}
