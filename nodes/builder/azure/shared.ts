import { block, type HclBlock, type HclExpr, ref } from "../hcl.js";
import { type AzureContext, PLACEMENT, type SubnetRole } from "./context.js";

/** Blocks destined for one `.tf` file under `terraform/`; several renderers may add to the same file. */
export interface AzureSection {
  file: string;
  blocks: HclBlock[];
  /** what the section could not render and why, written as comments at the top of its file */
  notes?: string[];
}

/** `azurerm_subnet.<role>.id`. */
export function subnetId(role: SubnetRole): HclExpr {
  return ref(`azurerm_subnet.${role}.id`);
}

/** The tenant of the credentials Terraform runs with (declared in providers.tf). */
export const TENANT_ID = ref("data.azurerm_client_config.current.tenant_id");

/** The principal Terraform runs as (declared in providers.tf). */
export const DEPLOYER_OBJECT_ID = ref("data.azurerm_client_config.current.object_id");

/** Address of the Log Analytics workspace every diagnostic setting and the platform write to. */
export const WORKSPACE = "azurerm_log_analytics_workspace.main";

/** Address of the Key Vault. */
export const VAULT = "azurerm_key_vault.main";

/** Address of the container registry. */
export const REGISTRY = "azurerm_container_registry.main";

/**
 * Private DNS zones for private endpoints, by the sub-resource they serve. Source: "Azure Private
 * Endpoint private DNS zone values", learn.microsoft.com/azure/private-link/private-endpoint-dns.
 */
export const PRIVATE_LINK_ZONES = {
  redisCache: "privatelink.redis.cache.windows.net",
  blob: "privatelink.blob.core.windows.net",
  namespace: "privatelink.servicebus.windows.net",
} as const;
export type PrivateLinkTarget = keyof typeof PRIVATE_LINK_ZONES;

/** Terraform name of the private DNS zone for a sub-resource (`privatelink_blob`). */
export function zoneName(target: PrivateLinkTarget): string {
  return `privatelink_${target.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

/** A private DNS zone and its link to the design's virtual network, so names resolve to private addresses. */
export function privateDnsZone(ctx: AzureContext, name: string, zone: string, owner: string): HclBlock[] {
  return [
    ctx.resource("azurerm_private_dns_zone", name, owner, { name: zone, resource_group_name: PLACEMENT.resource_group_name }),
    ctx.resource("azurerm_private_dns_zone_virtual_network_link", name, owner, {
      name: `${ctx.prefix}-${name.replace(/_/g, "-")}`,
      resource_group_name: PLACEMENT.resource_group_name,
      private_dns_zone_name: ref(`azurerm_private_dns_zone.${name}.name`),
      virtual_network_id: ref("azurerm_virtual_network.main.id"),
      registration_enabled: false,
    }),
  ];
}

/**
 * A private endpoint in the endpoints subnet for one resource, registered in the private DNS zone
 * of its sub-resource (the zone itself comes from {@link privateDnsZone}, once per design).
 */
export function privateEndpoint(ctx: AzureContext, name: string, owner: string, target: HclExpr, subresource: PrivateLinkTarget): HclBlock {
  return ctx.resource("azurerm_private_endpoint", name, owner, {
    name: `pe-${ctx.prefix}-${name.replace(/_/g, "-")}`,
    ...PLACEMENT,
    subnet_id: subnetId("endpoints"),
    private_service_connection: block({
      name: `${ctx.prefix}-${name.replace(/_/g, "-")}`,
      private_connection_resource_id: target,
      subresource_names: [subresource],
      is_manual_connection: false,
    }),
    private_dns_zone_group: block({ name: "default", private_dns_zone_ids: [ref(`azurerm_private_dns_zone.${zoneName(subresource)}.id`)] }),
  });
}

/** A diagnostic setting sending every log category and all metrics of a resource to the workspace. */
export function diagnosticSetting(ctx: AzureContext, name: string, owner: string, target: HclExpr): HclBlock {
  return ctx.resource("azurerm_monitor_diagnostic_setting", name, owner, {
    name: "to-log-analytics",
    target_resource_id: target,
    log_analytics_workspace_id: ref(`${WORKSPACE}.id`),
    enabled_log: block({ category_group: "allLogs" }),
    enabled_metric: block({ category: "AllMetrics" }),
  });
}
