import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { booleanRule, effectiveBool, effectiveNumber, hasBlock, minimumTlsRule, setting } from "./azure-common.js";
import { cannotVerify, hit, hitWith, linkedTo, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

/**
 * Azure data services: PostgreSQL and MySQL flexible servers, Azure Cache for Redis and
 * Service Bus. Defaults are those of the azurerm 4.x resource documentation.
 */

const POSTGRES = "azurerm_postgresql_flexible_server";
const MYSQL = "azurerm_mysql_flexible_server";
const SERVERS = [POSTGRES, MYSQL];
const FIREWALL_RULES = ["azurerm_postgresql_flexible_server_firewall_rule", "azurerm_mysql_flexible_server_firewall_rule"];
const CONFIGURATIONS = ["azurerm_postgresql_flexible_server_configuration", "azurerm_mysql_flexible_server_configuration"];

/** True when a value is set to something (plan JSON gives absent strings as null or ""). */
function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

export const databasePublicAccess: Rule = {
  id: "AZURE_DATABASE_PUBLIC_ACCESS",
  title: "PostgreSQL or MySQL flexible server is reachable from the internet",
  severity: "high",
  // Trivy AZU-0022: public_network_access_enabled (true when absent); AZU-0029: a firewall
  // rule opening a public range wider than one address.
  aliases: ["AZU-0022", "AZU-0029"],
  target: "terraform",
  remediation:
    "Deploy the server into a delegated subnet (delegated_subnet_id with private_dns_zone_id) or set public_network_access_enabled = false with a private endpoint; never add a 0.0.0.0-255.255.255.255 firewall rule.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const server of ofType(ctx, ...SERVERS)) {
      const found = setting(server.attributes, ["public_network_access_enabled"]);
      const value = effectiveBool(server.attributes, ["public_network_access_enabled"], true);
      // A server in a delegated subnet (VNet integration) has no public endpoint.
      const vnet = present(server.attributes.delegated_subnet_id);
      if (value === UNKNOWN) {
        if (found && !vnet && unresolvedInput(found.value)) hits.push(cannotVerify(server, found.name, found.value, ["AZU-0022"]));
      } else if (value && !vnet) {
        const why = found ? "public_network_access_enabled = true" : "no delegated_subnet_id and public_network_access_enabled is not false";
        hits.push(hitWith(server, ["AZU-0022"], `${why}: the server has a public endpoint, guarded only by firewall rules and a password.`));
      }
    }
    for (const rule of ofType(ctx, ...FIREWALL_RULES)) {
      const start = str(rule.attributes.start_ip_address);
      const end = str(rule.attributes.end_ip_address);
      if (start === UNKNOWN || end === UNKNOWN) {
        const attribute = start === UNKNOWN ? "start_ip_address" : "end_ip_address";
        if (unresolvedInput(rule.attributes[attribute])) hits.push(cannotVerify(rule, attribute, rule.attributes[attribute], ["AZU-0029"]));
      } else if (start === "0.0.0.0" && end === "255.255.255.255") {
        hits.push(hitWith(rule, ["AZU-0029"], "Firewall rule 0.0.0.0-255.255.255.255 lets every IPv4 address on the internet connect to the database."));
      }
    }
    return hits;
  },
};

export const databaseBackupRetention: Rule = {
  id: "AZURE_DATABASE_BACKUP_RETENTION",
  title: "Flexible server keeps backups too briefly",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation: "Set backup_retention_days to at least 7 in prod (up to 35) so point-in-time restore reaches back far enough to notice and undo a mistake.",
  check(ctx) {
    if (ctx.environment !== "prod") return [];
    const minimum = 7;
    return ofType(ctx, ...SERVERS).flatMap((server) => {
      // Both flexible servers keep 7 days when backup_retention_days is absent.
      const days = effectiveNumber(server.attributes, "backup_retention_days", 7);
      if (days === UNKNOWN || days >= minimum) return [];
      return [hit(server, `backup_retention_days = ${days}; at least ${minimum} days required in prod.`)];
    });
  },
};

export const databaseGeoBackup: Rule = {
  id: "AZURE_DATABASE_GEO_BACKUP",
  title: "Production flexible server backups stay in one region",
  severity: "low",
  // CKV_AZURE_136 is the PostgreSQL flexible server check; Checkov's MySQL one reads the older server type.
  aliases: ["CKV_AZURE_136"],
  target: "terraform",
  remediation: "Set geo_redundant_backup_enabled = true (it can only be chosen when the server is created) so backups survive a regional outage.",
  check(ctx) {
    if (ctx.environment !== "prod") return [];
    return ofType(ctx, ...SERVERS)
      .filter((server) => effectiveBool(server.attributes, ["geo_redundant_backup_enabled"], false) === false)
      .map((server) =>
        hitWith(
          server,
          server.type === POSTGRES ? ["CKV_AZURE_136"] : [],
          "geo_redundant_backup_enabled is not true: a regional outage takes the backups with the server.",
        ),
      );
  },
};

/** Server configuration resources that set a parameter of `server` (by `server_id`, or MySQL's `server_name`). */
function configurations(ctx: RuleContext, server: TerraformResource): TerraformResource[] {
  return [...new Set([...linkedTo(ctx, server, CONFIGURATIONS, "server_id"), ...linkedTo(ctx, server, CONFIGURATIONS, "server_name", "name")])];
}

export const databaseSecureTransport: Rule = {
  id: "AZURE_DATABASE_SECURE_TRANSPORT",
  title: "Flexible server accepts unencrypted connections",
  severity: "high",
  // Trivy AZU-0020 reads the require_secure_transport parameter of flexible servers.
  aliases: ["AZU-0020"],
  target: "terraform",
  remediation: 'Remove the require_secure_transport configuration or set its value to "ON" (the default): clients must use TLS.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const server of ofType(ctx, ...SERVERS)) {
      for (const config of configurations(ctx, server)) {
        if (str(config.attributes.name)?.toLowerCase() !== "require_secure_transport") continue;
        const value = str(config.attributes.value);
        if (value === UNKNOWN) {
          if (unresolvedInput(config.attributes.value)) hits.push(cannotVerify(config, "value", config.attributes.value));
        } else if (value !== undefined && ["off", "false", "0"].includes(value.toLowerCase())) {
          hits.push(
            hit(
              config,
              `require_secure_transport = "${value}" on ${server.address}: clients may connect without TLS and send passwords and data in clear text.`,
            ),
          );
        }
      }
    }
    return hits;
  },
};

export const databaseHighAvailabilityProd: Rule = {
  id: "AZURE_DATABASE_HIGH_AVAILABILITY_PROD",
  title: "Production flexible server has no standby",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation: 'Add high_availability { mode = "ZoneRedundant" } (or "SameZone" where the region has no zones) on a General Purpose or Memory Optimized SKU.',
  check(ctx) {
    if (ctx.environment !== "prod") return [];
    return ofType(ctx, ...SERVERS)
      .filter((server) => !hasBlock(server, "high_availability"))
      .map((server) => hit(server, "No high_availability block in prod: a zone or host failure takes the database down until Azure restores it."));
  },
};

export const redisNonSslPort = booleanRule({
  id: "AZURE_REDIS_NON_SSL_PORT",
  title: "Azure Cache for Redis opens its unencrypted port",
  severity: "high",
  aliases: ["CKV_AZURE_91"],
  remediation: "Set non_ssl_port_enabled = false (azurerm 3.x: enable_non_ssl_port) and connect on port 6380 with TLS.",
  types: ["azurerm_redis_cache"],
  names: ["non_ssl_port_enabled", "enable_non_ssl_port"],
  providerDefault: false,
  safe: false,
  message: (attribute) => `${attribute} = true opens port 6379 without TLS: the access key and cached data cross the network in clear text.`,
});

export const redisMinTls = minimumTlsRule({
  id: "AZURE_REDIS_MIN_TLS",
  title: "Azure Cache for Redis accepts TLS older than 1.2",
  severity: "medium",
  aliases: ["CKV_AZURE_148"],
  remediation: 'Set minimum_tls_version = "1.2" (the azurerm 4.x default).',
  types: ["azurerm_redis_cache"],
  names: ["minimum_tls_version"],
  modern: '"1.2"',
});

export const redisPublicNetwork = booleanRule({
  id: "AZURE_REDIS_PUBLIC_NETWORK",
  title: "Azure Cache for Redis is reachable from public networks",
  severity: "medium",
  aliases: ["CKV_AZURE_89"],
  remediation: "Set public_network_access_enabled = false and connect through a private endpoint.",
  types: ["azurerm_redis_cache"],
  names: ["public_network_access_enabled"],
  providerDefault: true,
  safe: false,
  message: (attribute, declared) =>
    `${declared ? `${attribute} = true` : `${attribute} is not set (the provider default is true)`}: the cache answers on a public endpoint, protected only by its access key.`,
});

const SERVICE_BUS = ["azurerm_servicebus_namespace"];

export const serviceBusLocalAuth = booleanRule({
  id: "AZURE_SERVICEBUS_LOCAL_AUTH",
  title: "Service Bus namespace accepts shared access keys",
  severity: "low",
  aliases: ["CKV_AZURE_203"],
  remediation:
    "Set local_auth_enabled = false and give senders and receivers Entra ID roles (Azure Service Bus Data Sender/Receiver) through managed identities.",
  types: SERVICE_BUS,
  names: ["local_auth_enabled"],
  providerDefault: true,
  safe: false,
  message: (attribute, declared) =>
    `${declared ? `${attribute} = true` : `${attribute} is not set (the provider default is true)`}: SAS keys, which cannot be traced to an identity, can send and read messages.`,
});

export const serviceBusMinTls = minimumTlsRule({
  id: "AZURE_SERVICEBUS_MIN_TLS",
  title: "Service Bus namespace accepts TLS older than 1.2",
  severity: "medium",
  aliases: ["CKV_AZURE_205"],
  remediation: 'Set minimum_tls_version = "1.2" (the azurerm 4.x default).',
  types: SERVICE_BUS,
  names: ["minimum_tls_version"],
  modern: '"1.2"',
});

export const serviceBusPublicNetwork = booleanRule({
  id: "AZURE_SERVICEBUS_PUBLIC_NETWORK",
  title: "Service Bus namespace is reachable from public networks",
  severity: "low",
  aliases: ["CKV_AZURE_204"],
  remediation: "Set public_network_access_enabled = false and use a private endpoint (Premium tier), or restrict it with network_rule_set.",
  types: SERVICE_BUS,
  names: ["public_network_access_enabled"],
  providerDefault: true,
  safe: false,
  message: (attribute, declared) =>
    `${declared ? `${attribute} = true` : `${attribute} is not set (the provider default is true)`}: the namespace answers on a public endpoint.`,
});

/** Database, cache and messaging rules. */
export const azureDataRules: Rule[] = [
  databasePublicAccess,
  databaseBackupRetention,
  databaseGeoBackup,
  databaseSecureTransport,
  databaseHighAvailabilityProd,
  redisNonSslPort,
  redisMinTls,
  redisPublicNetwork,
  serviceBusLocalAuth,
  serviceBusMinTls,
  serviceBusPublicNetwork,
];
