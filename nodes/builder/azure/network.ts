import { block, type HclBlock, type HclBody, type HclNested, ref } from "../hcl.js";
import { type AzureContext, neededSubnets, PLACEMENT, SUBNET_ROLES, type SubnetRole } from "./context.js";
import type { AzureSection } from "./shared.js";

/** Ports the workload reaches the data subnets on: PostgreSQL, MySQL. */
export const DATABASE_PORTS = { postgres: "5432", mysql: "3306" } as const;

/** The subnet CIDR the plan gives a role (validated to exist by the context). */
export function subnetCidr(ctx: AzureContext, role: SubnetRole): string {
  return ctx.plan.network.private_subnets[SUBNET_ROLES.indexOf(role)] ?? "";
}

/** true when Front Door sends public traffic to the workload (not to a storage static website). */
export function frontDoorFrontsWorkload(ctx: AzureContext): boolean {
  const { ingress } = ctx.plan.network;
  return ingress.type === "front-door" && ingress.public && ctx.platform !== "none";
}

function rule(
  name: string,
  priority: number,
  body: { access: "Allow" | "Deny"; source: string; destination: string; ports: string[]; protocol?: string },
): HclNested {
  const [first, ...more] = body.ports;
  return block({
    name,
    priority,
    direction: "Inbound",
    access: body.access,
    protocol: body.protocol ?? "Tcp",
    source_port_range: "*",
    destination_port_range: more.length === 0 ? first : undefined,
    destination_port_ranges: more.length > 0 ? body.ports : undefined,
    source_address_prefix: body.source,
    destination_address_prefix: body.destination,
  });
}

/** Last explicit rule of every NSG: nothing from the internet, whatever the platform defaults allow. */
function denyInternet(destination: string): HclNested {
  return rule("deny-internet-inbound", 4000, { access: "Deny", source: "Internet", destination, ports: ["*"], protocol: "*" });
}

/** Inbound rules per subnet: only what the design needs, the internet denied. */
function securityRules(ctx: AzureContext, role: SubnetRole): HclNested[] {
  const cidr = subnetCidr(ctx, role);
  const workload = subnetCidr(ctx, "workload");
  if (role === "workload") {
    const fromFrontDoor = frontDoorFrontsWorkload(ctx)
      ? // Any destination: traffic to the environment's or cluster's public load balancer is evaluated against its frontend address.
        [rule("allow-front-door-https", 100, { access: "Allow", source: "AzureFrontDoor.Backend", destination: "*", ports: ["443"] })]
      : [];
    return [...fromFrontDoor, denyInternet(cidr)];
  }
  if (role === "database") {
    const ports = [...new Set(ctx.plan.databases.map((db) => (db.engine === "mysql" ? DATABASE_PORTS.mysql : DATABASE_PORTS.postgres)))].sort();
    return [rule("allow-workload-database", 100, { access: "Allow", source: workload, destination: cidr, ports }), denyInternet(cidr)];
  }
  // Private endpoints: Redis over TLS (6380), blob storage and Service Bus over HTTPS/AMQPS.
  return [
    rule("allow-workload-private-endpoints", 100, { access: "Allow", source: workload, destination: cidr, ports: ["443", "5671", "6380"] }),
    denyInternet(cidr),
  ];
}

function subnetBody(ctx: AzureContext, role: SubnetRole): HclBody {
  const base: HclBody = {
    name: `snet-${ctx.prefix}-${role}`,
    resource_group_name: PLACEMENT.resource_group_name,
    virtual_network_name: ref("azurerm_virtual_network.main.name"),
    address_prefixes: [subnetCidr(ctx, role)],
  };
  if (role === "workload") {
    return {
      ...base,
      // The Key Vault's network rules admit this subnet through its service endpoint (security.tf).
      service_endpoints: ["Microsoft.KeyVault"],
      delegation:
        ctx.platform === "container-apps"
          ? block({
              name: "container-apps",
              service_delegation: block({ name: "Microsoft.App/environments", actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"] }),
            })
          : undefined,
    };
  }
  if (role === "database") {
    const mysql = ctx.plan.databases.every((db) => db.engine === "mysql");
    const service = mysql ? "Microsoft.DBforMySQL/flexibleServers" : "Microsoft.DBforPostgreSQL/flexibleServers";
    return {
      ...base,
      delegation: block({
        name: "flexible-servers",
        service_delegation: block({ name: service, actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"] }),
      }),
    };
  }
  // Network security groups apply to private endpoints only with network policies on.
  return { ...base, private_endpoint_network_policies: "Enabled" };
}

/**
 * network.tf: the virtual network; a subnet per role the design needs (workloads, delegated
 * databases, private endpoints), each with a network security group that denies the internet and
 * admits only the workload (and Front Door on 443 where it fronts the workload); the NAT gateway
 * and its static address when the plan has one.
 */
export function renderNetwork(ctx: AzureContext): AzureSection[] {
  const needed = neededSubnets(ctx.plan);
  const roles = SUBNET_ROLES.filter((role) => needed[role]);
  if (roles.length === 0) return [];
  const { plan } = ctx;
  const owner = ctx.component(["azure-vnet"]);
  const blocks: HclBlock[] = [
    ctx.resource("azurerm_virtual_network", "main", owner, { name: `vnet-${ctx.prefix}`, ...PLACEMENT, address_space: [plan.network.vpc_cidr] }),
  ];
  for (const role of roles) {
    blocks.push(
      ctx.resource("azurerm_subnet", role, owner, subnetBody(ctx, role)),
      ctx.resource("azurerm_network_security_group", role, owner, { name: `nsg-${ctx.prefix}-${role}`, ...PLACEMENT, security_rule: securityRules(ctx, role) }),
      ctx.resource("azurerm_subnet_network_security_group_association", role, owner, {
        subnet_id: ref(`azurerm_subnet.${role}.id`),
        network_security_group_id: ref(`azurerm_network_security_group.${role}.id`),
      }),
    );
  }
  if (hasNat(ctx)) {
    const nat = ctx.component(["azure-nat-gateway"]);
    blocks.push(
      ctx.resource("azurerm_public_ip", "nat", nat, { name: `pip-${ctx.prefix}-nat`, ...PLACEMENT, allocation_method: "Static", sku: "Standard" }),
      ctx.resource("azurerm_nat_gateway", "main", nat, { name: `ng-${ctx.prefix}`, ...PLACEMENT, sku_name: "Standard", idle_timeout_in_minutes: 4 }),
      ctx.resource("azurerm_nat_gateway_public_ip_association", "main", nat, {
        nat_gateway_id: ref("azurerm_nat_gateway.main.id"),
        public_ip_address_id: ref("azurerm_public_ip.nat.id"),
      }),
      ctx.resource("azurerm_subnet_nat_gateway_association", "workload", nat, {
        subnet_id: ref("azurerm_subnet.workload.id"),
        nat_gateway_id: ref("azurerm_nat_gateway.main.id"),
      }),
    );
  }
  return [{ file: "network.tf", blocks }];
}

/** true when the plan has a NAT gateway and a workload subnet to give it to. */
export function hasNat(ctx: AzureContext): boolean {
  return ctx.plan.network.nat_gateways > 0 && neededSubnets(ctx.plan).workload;
}
