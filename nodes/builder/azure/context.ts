import { AtlasError } from "../../../lib/errors.js";
import type { PlanSpec } from "../../../schemas/plan.js";
import { type ComponentKind, componentFor } from "../context.js";
import { applyPattern, resolveConventions } from "../conventions.js";
import { type HclBlock, type HclBody, type HclValue, resource } from "../hcl.js";
import { awsName, GENERATOR, shortHash, tagValue } from "../labels.js";

/**
 * azurerm resource types that take no `tags` argument (child resources, associations, role
 * assignments, settings). They cannot carry the trace labels, so the builder writes the
 * component they implement in a comment above the block, as the AWS side does.
 * Source: the argument lists of each resource on registry.terraform.io/providers/hashicorp/azurerm (4.x).
 */
export const AZURE_UNTAGGABLE_TYPES: ReadonlySet<string> = new Set([
  "azurerm_subnet",
  "azurerm_subnet_network_security_group_association",
  "azurerm_subnet_nat_gateway_association",
  "azurerm_nat_gateway_public_ip_association",
  "azurerm_role_assignment",
  "azurerm_monitor_diagnostic_setting",
  "azurerm_federated_identity_credential",
  "azurerm_postgresql_flexible_server_configuration",
  "azurerm_postgresql_flexible_server_active_directory_administrator",
  "azurerm_mysql_flexible_server_configuration",
  "azurerm_servicebus_queue",
  "azurerm_storage_container",
  "azurerm_cdn_frontdoor_origin_group",
  "azurerm_cdn_frontdoor_origin",
  "azurerm_cdn_frontdoor_route",
  "azurerm_cdn_frontdoor_security_policy",
  "azurerm_redis_cache_access_policy_assignment",
  "azurerm_postgresql_flexible_server_database",
  "azurerm_mysql_flexible_database",
  "azurerm_storage_account_static_website",
  "random_password",
]);

/** The tag holding the environment and the one naming the tool, beside the trace labels. */
export const ENVIRONMENT_TAG = "environment";
export const MANAGED_BY_TAG = "managed_by";

/** Address of the resource group every resource lives in. */
export const RESOURCE_GROUP = "azurerm_resource_group.main";

/** `location` and `resource_group_name` of every regional resource. */
export const PLACEMENT = {
  location: { expr: `${RESOURCE_GROUP}.location` },
  resource_group_name: { expr: `${RESOURCE_GROUP}.name` },
} as const;

/** What every Azure renderer needs: the plan and the naming and tracing decisions derived from it once. */
export interface AzureContext {
  plan: PlanSpec;
  /** `<goal>-<environment>`: the readable part of every resource name */
  prefix: string;
  /** true in the prod environment (zone redundancy, geo-redundant backups, Standard AKS tier) */
  prod: boolean;
  /** the container platform: Container Apps, AKS, or none (static sites) */
  platform: "container-apps" | "aks" | "none";
  /** Kubernetes namespace and service account of the workload on AKS (the Kubernetes builder's defaults) */
  kubernetes: { namespace: string; serviceAccount: string };
  /** The plan component a resource implements (see `componentFor` in ../context.ts). */
  component(kinds: readonly ComponentKind[], match?: { id?: string; index?: number }): string;
  /** The plan's components of one kind, in plan order. */
  components(kind: ComponentKind): PlanSpec["components"];
  /** true when the plan has a component of the kind */
  has(kind: ComponentKind): boolean;
  /** A resource tagged with the trace labels (or, for untaggable types, a comment naming the component). */
  resource(type: string, name: string, component: string, body: HclBody): HclBlock;
  /** Tags for `component`, for nested `tags` arguments such as the AKS default node pool. */
  tags(component: string): Record<string, string>;
  /**
   * A globally unique Azure name (storage accounts, vaults, registries, servers): a readable head
   * from the goal and environment, then four hex characters derived from goal, environment and
   * `suffix`, so names stay stable across plan versions and differ between designs.
   */
  globalName(options: { max: number; suffix: string; alphanumeric?: boolean; lead?: string }): string;
}

/** Sorted tags: the trace labels, the component, the environment and who manages the resource. */
export function azureTags(plan: PlanSpec, component: string): Record<string, string> {
  const tags: Record<string, string> = {
    atlas_component: tagValue(component),
    atlas_plan_id: tagValue(plan.plan_id),
    atlas_plan_version: String(plan.version),
    atlas_trace_id: tagValue(plan.trace_id),
    [ENVIRONMENT_TAG]: plan.environment,
    [MANAGED_BY_TAG]: GENERATOR,
  };
  return Object.fromEntries(
    Object.keys(tags)
      .sort()
      .map((key) => [key, tags[key] as string]),
  );
}

/**
 * Builds the context for an Azure plan.
 * @throws AtlasError `VALIDATION_FAILED` when the plan is not an Azure plan, names a platform
 *   the Azure builder cannot run, or lacks a subnet the design needs
 */
export function makeAzureContext(plan: PlanSpec): AzureContext {
  if (plan.cloud !== "azure") {
    throw new AtlasError("VALIDATION_FAILED", `The Azure builder renders Azure plans only; plan ${plan.plan_id} targets ${plan.cloud}`, {
      issues: [{ path: "cloud", message: `"${plan.cloud}" is not azure` }],
    });
  }
  const platform = plan.compute.platform;
  if (platform !== "container-apps" && platform !== "aks" && platform !== "none") {
    throw new AtlasError("VALIDATION_FAILED", `The Azure builder cannot run platform "${platform}"`, {
      issues: [{ path: "compute.platform", message: "use container-apps, aks or none on azure" }],
    });
  }
  rejectMissingSubnets(plan);
  const prefix = awsName(40, plan.goal_name, plan.environment);
  const computeKind: ComponentKind = platform === "aks" ? "aks-cluster" : platform === "container-apps" ? "azure-container-app" : "azure-front-door";
  const component = (kinds: readonly ComponentKind[], match: { id?: string; index?: number } = {}) => componentFor(plan, [...kinds, computeKind], match);
  const conventions = resolveConventions();
  return {
    plan,
    prefix,
    prod: plan.environment === "prod",
    platform,
    kubernetes: {
      namespace: applyPattern(conventions.namespace, plan, plan.environment, component([computeKind])),
      serviceAccount: plan.goal_name,
    },
    component,
    components: (kind) => plan.components.filter((c) => c.kind === kind),
    has: (kind) => plan.components.some((c) => c.kind === kind),
    tags: (owner) => azureTags(plan, owner),
    resource(type, name, owner, body) {
      if (AZURE_UNTAGGABLE_TYPES.has(type)) return resource(type, name, body, [`atlas_component: ${owner} (${type} takes no tags)`]);
      return resource(type, name, { ...body, tags: azureTags(plan, owner) as HclValue });
    },
    globalName({ max, suffix, alphanumeric = false, lead = "" }) {
      const hash = shortHash(`${plan.goal_name}/${plan.environment}/${suffix}`).slice(0, 4);
      const clean = (text: string) => (alphanumeric ? text.toLowerCase().replace(/[^a-z0-9]+/g, "") : awsName(max, text));
      const tail = alphanumeric ? `${clean(plan.environment)}${hash}` : `${plan.environment}-${hash}`;
      const room = Math.max(1, max - lead.length - tail.length - (alphanumeric ? 0 : 2));
      const head = clean(plan.goal_name).slice(0, room).replace(/-+$/, "");
      return alphanumeric ? `${lead}${head}${tail}` : `${lead}${lead ? "-" : ""}${head}-${tail}`;
    },
  };
}

/** Subnet roles by position in `network.private_subnets` (plan-contract.md). */
export const SUBNET_ROLES = ["workload", "database", "endpoints"] as const;
export type SubnetRole = (typeof SUBNET_ROLES)[number];

/** Whether the design needs each subnet: workloads for a platform, a delegated one for databases, one for private endpoints. */
export function neededSubnets(plan: PlanSpec): Record<SubnetRole, boolean> {
  const privateData = plan.caches.length > 0 || plan.buckets.some((b) => !b.public_website);
  return {
    workload: plan.compute.platform !== "none",
    database: plan.databases.length > 0,
    endpoints: privateData || premiumServiceBus(plan),
  };
}

/** true when the plan's Service Bus component asks for the Premium tier (its `size`). */
export function premiumServiceBus(plan: PlanSpec): boolean {
  const bus = plan.components.find((c) => c.kind === "azure-service-bus");
  return plan.queues.length > 0 && (bus?.size ?? "").toLowerCase().includes("premium");
}

function rejectMissingSubnets(plan: PlanSpec): void {
  const needed = neededSubnets(plan);
  SUBNET_ROLES.forEach((role, index) => {
    if (needed[role] && plan.network.private_subnets[index] === undefined) {
      throw new AtlasError("VALIDATION_FAILED", `plan ${plan.plan_id} needs a ${role} subnet at network.private_subnets[${index}]`, {
        issues: [{ path: `network.private_subnets[${index}]`, message: `the ${role} subnet is missing` }],
      });
    }
  });
}
