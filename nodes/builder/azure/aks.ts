import { AtlasError } from "../../../lib/errors.js";
import { block, type HclBlock, ref } from "../hcl.js";
import { awsName } from "../labels.js";
import { type AzureContext, PLACEMENT } from "./context.js";
import { hasNat } from "./network.js";
import { type AzureSection, subnetId, TENANT_ID, WORKSPACE } from "./shared.js";

/**
 * Address ranges of the cluster's own networks (Azure CNI overlay): pods and services live outside
 * the virtual network, so they must not overlap it. Chosen from ranges the plan's `vpc_cidr`
 * (10.x) does not use; checked against it.
 */
export const AKS_RANGES = { pods: "192.168.0.0/16", services: "172.16.0.0/16", dnsService: "172.16.0.10" } as const;

/** An IPv4 CIDR as its first address and size, or null when it is not one. */
function range(cidr: string): { start: number; size: number } | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!match) return null;
  const start = match.slice(1, 5).reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return { start, size: 2 ** (32 - Number(match[5])) };
}

/** true when two CIDR ranges share an address (false when either is not a CIDR). */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = range(a);
  const y = range(b);
  if (!x || !y) return false;
  return x.start < y.start + y.size && y.start < x.start + x.size;
}

/**
 * compute.tf (AKS): a cluster with Entra ID authentication and Azure RBAC, local accounts off,
 * OIDC issuer and workload identity, Azure Policy, Cilium network policy (CNI overlay), Container
 * Insights to the workspace, API server limited to the authorized ranges, automatic patch upgrades
 * and node image updates, the Standard (SLA) tier in prod. The default node pool is the plan's
 * `node_count` nodes of `node_instance_type` spread over its zones, in the workload subnet.
 * @throws AtlasError `VALIDATION_FAILED` without a node size or nodes, or when the VNet overlaps the cluster ranges
 */
export function renderAks(ctx: AzureContext): AzureSection[] {
  if (ctx.platform !== "aks") return [];
  const { compute, network } = ctx.plan;
  if (!compute.node_instance_type || compute.node_count < 1) {
    throw new AtlasError("VALIDATION_FAILED", "an AKS design needs compute.node_instance_type and at least one node", {
      issues: [{ path: "compute.node_instance_type", message: 'give the VM size, e.g. "Standard_D4s_v5", and node_count ≥ 1' }],
    });
  }
  if ([AKS_RANGES.pods, AKS_RANGES.services].some((cluster) => cidrsOverlap(cluster, network.vpc_cidr))) {
    throw new AtlasError("VALIDATION_FAILED", `vpc_cidr ${network.vpc_cidr} overlaps the cluster's pod or service range`, {
      issues: [{ path: "network.vpc_cidr", message: `choose a range outside ${AKS_RANGES.pods} and ${AKS_RANGES.services}` }],
    });
  }
  const owner = ctx.component(["aks-cluster"]);
  const nodesOwner = ctx.component(["aks-node-pool", "aks-cluster"]);
  const cluster = ctx.resource("azurerm_kubernetes_cluster", "main", owner, {
    name: `aks-${ctx.prefix}`,
    ...PLACEMENT,
    dns_prefix: awsName(54, ctx.prefix),
    sku_tier: ctx.prod ? "Standard" : "Free",
    automatic_upgrade_channel: "patch",
    node_os_upgrade_channel: "NodeImage",
    oidc_issuer_enabled: true,
    workload_identity_enabled: true,
    azure_policy_enabled: true,
    local_account_disabled: true,
    role_based_access_control_enabled: true,
    azure_active_directory_role_based_access_control: block({
      azure_rbac_enabled: true,
      tenant_id: TENANT_ID,
      admin_group_object_ids: ref("var.aks_admin_group_object_ids"),
    }),
    // the API server has no public endpoint: reach it from the VNet or with `az aks command invoke`
    private_cluster_enabled: true,
    // the application routing add-on (managed NGINX) serves the workload's Ingress
    web_app_routing: block({ dns_zone_ids: [] }),
    default_node_pool: block({
      name: "system",
      vm_size: compute.node_instance_type,
      node_count: compute.node_count,
      zones: network.availability_zones,
      vnet_subnet_id: subnetId("workload"),
      os_sku: "AzureLinux",
      temporary_name_for_rotation: "systemtmp",
      upgrade_settings: block({ max_surge: "33%" }),
      tags: ctx.tags(nodesOwner),
    }),
    identity: block({ type: "SystemAssigned" }),
    network_profile: block({
      network_plugin: "azure",
      network_plugin_mode: "overlay",
      network_data_plane: "cilium",
      network_policy: "cilium",
      load_balancer_sku: "standard",
      outbound_type: hasNat(ctx) ? "userAssignedNATGateway" : "loadBalancer",
      pod_cidr: AKS_RANGES.pods,
      service_cidr: AKS_RANGES.services,
      dns_service_ip: AKS_RANGES.dnsService,
    }),
    oms_agent: block({ log_analytics_workspace_id: ref(`${WORKSPACE}.id`), msi_auth_for_monitoring_enabled: true }),
    key_vault_secrets_provider: ctx.has("azure-key-vault") ? block({ secret_rotation_enabled: true }) : undefined,
    depends_on: hasNat(ctx) ? [ref("azurerm_subnet_nat_gateway_association.workload")] : undefined,
  });
  const blocks: HclBlock[] = [
    cluster,
    // The cluster's identity joins nodes and load balancers to the subnet it does not own.
    ctx.resource("azurerm_role_assignment", "aks_network_contributor", owner, {
      scope: subnetId("workload"),
      role_definition_name: "Network Contributor",
      principal_id: ref("azurerm_kubernetes_cluster.main.identity[0].principal_id"),
      principal_type: "ServicePrincipal",
    }),
  ];
  return [{ file: "compute.tf", blocks }];
}
