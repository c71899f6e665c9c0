import { block, type HclBlock, type HclBody, interpolate, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { serviceAccount } from "./addresses.js";
import { APIS, output } from "./base.js";
import { type GcpContext, type GcpSection, gcpName, nameWith } from "./context.js";
import { keyGrant, kmsKey } from "./kms.js";
import { NETWORK, POD_RANGE, SERVICE_RANGE, SUBNET } from "./network.js";

/** The control plane's private range: outside the VPC's block, /28 as GKE requires. */
export const MASTER_CIDR = "172.16.0.0/28";

/** Project-level roles a node needs to write logs and metrics, and nothing more (Google's least-privilege node account). */
const NODE_ROLES = ["roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/monitoring.viewer", "roles/stackdriver.resourceMetadata.writer"];

/** The Kubernetes namespace and service account the workload runs as, bound to its Google service account. */
export function kubernetesIdentity(ctx: GcpContext): { namespace: string; serviceAccount: string } {
  return { namespace: gcpName(63, ctx.plan.goal_name, ctx.plan.environment), serviceAccount: gcpName(63, ctx.plan.goal_name) };
}

/** Where the cluster runs: the region (control plane and nodes across zones) in prod, the first zone elsewhere. */
function clusterLocation(ctx: GcpContext): string {
  return ctx.prod ? ctx.plan.region : (ctx.plan.network.availability_zones[0] ?? `${ctx.plan.region}-b`);
}

/** Node settings shared by the cluster's bootstrap pool and the real pool: hardened, dedicated account. */
function nodeConfig(ctx: GcpContext): HclBody {
  return {
    boot_disk_kms_key: kmsKey(ctx),
    service_account: ref(`${serviceAccount("gke_nodes")}.email`),
    oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"],
    image_type: "COS_CONTAINERD",
    shielded_instance_config: block({ enable_secure_boot: true, enable_integrity_monitoring: true }),
    workload_metadata_config: block({ mode: "GKE_METADATA" }),
    metadata: { "disable-legacy-endpoints": "true" },
  };
}

/**
 * gke.tf: a GKE Standard cluster: private nodes (no public IPs; the control plane's public
 * endpoint admits only `var.master_authorized_networks`), VPC-native on the subnet's pod and service
 * ranges, Dataplane V2 (which enforces NetworkPolicy), Workload Identity, shielded nodes, release
 * channel REGULAR, no client certificates or legacy ABAC, regional in prod. The default node pool
 * is removed for a managed pool of the plan's machine type and count (auto repair and upgrade,
 * COS with containerd, secure boot, GKE metadata server, Spot when the plan says so) running as a
 * dedicated node service account. The workload's Kubernetes service account is bound to its
 * Google service account (`roles/iam.workloadIdentityUser`); the Kubernetes side must annotate it
 * with `iam.gke.io/gcp-service-account`.
 */
export function renderGke(ctx: GcpContext): GcpSection[] {
  if (!ctx.gke) return [];
  const { plan } = ctx;
  const cluster = ctx.component(["gke-cluster"]);
  const nodes = ctx.component(["gke-node-pool"]);
  const location = clusterLocation(ctx);
  const zones = ctx.prod ? plan.network.availability_zones : [location];
  // A regional pool's node_count is per zone: the plan's total spread over the zones, rounded up.
  const perZone = Math.max(1, Math.ceil(plan.compute.node_count / zones.length));
  const identity = kubernetesIdentity(ctx);
  const blocks: HclBlock[] = [
    ctx.resource("google_service_account", "gke_nodes", nodes, {
      account_id: nameWith(ctx, 30, "gke-nodes"),
      display_name: `${plan.goal_name} ${plan.environment} GKE nodes`,
      description: "Runs the GKE nodes: writes logs and metrics, pulls images from the design's repository",
    }),
    ...NODE_ROLES.map((role) =>
      ctx.resource("google_project_iam_member", tfName(`gke_nodes_${role.replace(/^roles\//, "")}`), nodes, {
        project: ref("var.project_id"),
        role,
        member: interpolate("serviceAccount:", ref(`${serviceAccount("gke_nodes")}.email`)),
      }),
    ),
    ctx.resource("google_container_cluster", "main", cluster, {
      name: nameWith(ctx, 40, "gke"),
      location,
      node_locations: ctx.prod ? plan.network.availability_zones : undefined,
      network: ref(`${NETWORK}.id`),
      subnetwork: ref(`${SUBNET}.id`),
      deletion_protection: ctx.prod,
      remove_default_node_pool: true,
      initial_node_count: 1,
      networking_mode: "VPC_NATIVE",
      datapath_provider: "ADVANCED_DATAPATH",
      enable_shielded_nodes: true,
      enable_legacy_abac: false,
      ip_allocation_policy: block({ cluster_secondary_range_name: POD_RANGE, services_secondary_range_name: SERVICE_RANGE }),
      private_cluster_config: block({ enable_private_nodes: true, enable_private_endpoint: false, master_ipv4_cidr_block: MASTER_CIDR }),
      master_authorized_networks_config: block({
        gcp_public_cidrs_access_enabled: false,
        // A `dynamic` block: one cidr_blocks entry per allowed range.
        'dynamic "cidr_blocks"': block({
          for_each: ref("var.master_authorized_networks"),
          content: block({ cidr_block: ref("cidr_blocks.value.cidr_block"), display_name: ref("cidr_blocks.value.display_name") }),
        }),
      }),
      master_auth: block({ client_certificate_config: block({ issue_client_certificate: false }) }),
      workload_identity_config: block({ workload_pool: interpolate(ref("var.project_id"), ".svc.id.goog") }),
      release_channel: block({ channel: "REGULAR" }),
      // the Secret Manager add-on: the workload's SecretProviderClass (provider gke) mounts its secrets
      secret_manager_config: block({ enabled: true }),
      database_encryption: ctx.cmk ? block({ state: "ENCRYPTED", key_name: kmsKey(ctx) }) : undefined,
      security_posture_config: block({ mode: "BASIC", vulnerability_mode: "VULNERABILITY_BASIC" }),
      logging_config: block({ enable_components: ["SYSTEM_COMPONENTS", "WORKLOADS"] }),
      monitoring_config: block({ enable_components: ["SYSTEM_COMPONENTS"], managed_prometheus: block({ enabled: true }) }),
      maintenance_policy: block({ daily_maintenance_window: block({ start_time: "03:00" }) }),
      // The bootstrap pool is deleted right away, but runs as the dedicated account while it exists.
      node_config: block(nodeConfig(ctx)),
      // It describes a pool that no longer exists: never diff against it.
      lifecycle: block({ ignore_changes: [ref("node_config")] }),
      depends_on: [ref(APIS), ...keyGrant(ctx, "container"), ...keyGrant(ctx, "compute")],
    }),
    ctx.resource("google_container_node_pool", "main", nodes, {
      name: nameWith(ctx, 40, "nodes"),
      cluster: ref("google_container_cluster.main.id"),
      location,
      node_count: perZone,
      management: block({ auto_repair: true, auto_upgrade: true }),
      upgrade_settings: block({ max_surge: 1, max_unavailable: 0 }),
      node_config: block({
        machine_type: plan.compute.node_instance_type ?? "e2-standard-4",
        disk_type: "pd-balanced",
        disk_size_gb: 50,
        spot: plan.compute.capacity === "spot",
        ...nodeConfig(ctx),
      }),
    }),
    ctx.resource("google_service_account_iam_member", "workload_identity", cluster, {
      service_account_id: ref(`${serviceAccount("workload")}.name`),
      role: "roles/iam.workloadIdentityUser",
      member: interpolate("serviceAccount:", ref("var.project_id"), `.svc.id.goog[${identity.namespace}/${identity.serviceAccount}]`),
    }),
  ];
  const outputs = [
    output("gke_cluster_name", "gcloud container clusters get-credentials <this>", ref("google_container_cluster.main.name")),
    output("gke_cluster_location", "Region (prod) or zone of the cluster", ref("google_container_cluster.main.location")),
    output(
      "kubernetes_service_account",
      "Annotate this Kubernetes service account with iam.gke.io/gcp-service-account",
      `${identity.namespace}/${identity.serviceAccount}`,
    ),
  ];
  return [
    { file: "gke.tf", blocks },
    { file: "outputs.tf", blocks: outputs },
  ];
}
