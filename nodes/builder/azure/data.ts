import { AtlasError } from "../../../lib/errors.js";
import { block, type HclBlock, type HclBody, ref } from "../hcl.js";
import { awsName, tfName } from "../labels.js";
import { type AzureContext, PLACEMENT } from "./context.js";
import { appIdentities, identityAddress } from "./identity.js";
import { type AzureSection, diagnosticSetting, PRIVATE_LINK_ZONES, privateDnsZone, privateEndpoint, subnetId, TENANT_ID, VAULT, zoneName } from "./shared.js";

type Database = AzureContext["plan"]["databases"][number];
type Cache = AzureContext["plan"]["caches"][number];

/**
 * Storage sizes a flexible server accepts, in GiB (PostgreSQL `storage_mb` / MySQL `size_gb`).
 * Source: azurerm_postgresql_flexible_server `storage_mb` possible values (registry.terraform.io).
 */
export const FLEXIBLE_STORAGE_GB = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767] as const;

/** The plan's storage rounded up to a size the server accepts (the plan contract already uses these sizes). */
export function flexibleStorageGb(requested: number): number {
  return FLEXIBLE_STORAGE_GB.find((size) => size >= requested) ?? 32767;
}

/** Terraform address of a database server. */
export function serverAddress(db: Database): string {
  return `${db.engine === "mysql" ? "azurerm_mysql_flexible_server" : "azurerm_postgresql_flexible_server"}.${tfName(db.id)}`;
}

/** Terraform address of a Redis cache. */
export function cacheAddress(cache: Cache): string {
  return `azurerm_redis_cache.${tfName(cache.id)}`;
}

/** Primary zone and standby zone of a server: the plan's first two zones (a zone-redundant standby needs a second one). */
function zones(ctx: AzureContext): { primary: string | undefined; standby: string | undefined } {
  const [primary, standby] = ctx.plan.network.availability_zones;
  return { primary, standby };
}

/**
 * High availability: the plan's `multi_az` is a zone-redundant standby in its second zone.
 * @throws AtlasError `VALIDATION_FAILED` when multi_az is asked with fewer than two zones
 */
function highAvailability(ctx: AzureContext, db: Database, index: number) {
  if (!db.multi_az) return undefined;
  const { standby } = zones(ctx);
  if (standby === undefined) {
    throw new AtlasError("VALIDATION_FAILED", `database ${db.id} asks for zone-redundant HA but the plan lists one availability zone`, {
      issues: [{ path: `databases[${index}].multi_az`, message: "give network.availability_zones at least two zones" }],
    });
  }
  return block({ mode: "ZoneRedundant", standby_availability_zone: standby });
}

/** Server settings both engines share: placement, sizing, zones, backups. */
function serverBasics(ctx: AzureContext, db: Database, index: number, dnsZone: string): HclBody {
  return {
    name: ctx.globalName({ max: 63, suffix: `db-${db.id}`, lead: db.engine === "mysql" ? "mysql" : "psql" }),
    ...PLACEMENT,
    sku_name: db.instance_class,
    zone: zones(ctx).primary,
    high_availability: highAvailability(ctx, db, index),
    backup_retention_days: Math.min(35, Math.max(7, db.backup_retention_days)),
    geo_redundant_backup_enabled: ctx.prod,
    delegated_subnet_id: subnetId("database"),
    private_dns_zone_id: ref(`azurerm_private_dns_zone.${dnsZone}.id`),
    public_network_access_enabled: false,
  };
}

/**
 * A PostgreSQL flexible server, private (delegated subnet, VNet-linked private DNS zone), TLS 1.2+
 * required, Entra ID authentication only: no password exists anywhere, in files or in state. An
 * Entra group administers it; the app's identity is added inside the server by that group
 * (`pgaadauth_create_principal`), which Terraform cannot do without a database connection.
 */
function postgres(ctx: AzureContext, db: Database, index: number, owner: string): HclBlock[] {
  const name = tfName(db.id);
  const address = serverAddress(db);
  const storageGb = flexibleStorageGb(db.storage_gb);
  const blocks: HclBlock[] = [
    ctx.resource("azurerm_postgresql_flexible_server", name, owner, {
      ...serverBasics(ctx, db, index, "postgres"),
      version: db.engine_version.split(".")[0],
      storage_mb: storageGb * 1024,
      auto_grow_enabled: db.max_storage_gb > storageGb,
      authentication: block({ active_directory_auth_enabled: true, password_auth_enabled: false, tenant_id: TENANT_ID }),
      depends_on: [ref("azurerm_private_dns_zone_virtual_network_link.postgres")],
      lifecycle: db.deletion_protection ? block({ prevent_destroy: true }) : undefined,
    }),
    ctx.resource("azurerm_postgresql_flexible_server_active_directory_administrator", name, owner, {
      server_name: ref(`${address}.name`),
      resource_group_name: PLACEMENT.resource_group_name,
      tenant_id: TENANT_ID,
      object_id: ref("var.database_admin_object_id"),
      principal_name: ref("var.database_admin_group_name"),
      principal_type: "Group",
    }),
    ctx.resource("azurerm_postgresql_flexible_server_configuration", `${name}_tls`, owner, {
      name: "ssl_min_protocol_version",
      server_id: ref(`${address}.id`),
      value: "TLSv1.2",
    }),
    ctx.resource("azurerm_postgresql_flexible_server_configuration", `${name}_secure_transport`, owner, {
      name: "require_secure_transport",
      server_id: ref(`${address}.id`),
      value: "on",
    }),
    ctx.resource("azurerm_postgresql_flexible_server_database", name, owner, {
      name: databaseName(db),
      server_id: ref(`${address}.id`),
      charset: "UTF8",
      collation: "en_US.utf8",
    }),
  ];
  for (let replica = 1; replica <= db.read_replicas; replica++) {
    blocks.push(
      ctx.resource("azurerm_postgresql_flexible_server", `${name}_replica_${replica}`, owner, {
        name: ctx.globalName({ max: 63, suffix: `db-${db.id}-replica-${replica}`, lead: "psql" }),
        ...PLACEMENT,
        create_mode: "Replica",
        source_server_id: ref(`${address}.id`),
        version: db.engine_version.split(".")[0],
        sku_name: db.instance_class,
        storage_mb: storageGb * 1024,
        delegated_subnet_id: subnetId("database"),
        private_dns_zone_id: ref("azurerm_private_dns_zone.postgres.id"),
        public_network_access_enabled: false,
        authentication: block({ active_directory_auth_enabled: true, password_auth_enabled: false, tenant_id: TENANT_ID }),
      }),
    );
  }
  return blocks;
}

/** The application database's name on the server: the plan id made a valid identifier. */
export function databaseName(db: Database): string {
  return tfName(db.id).replace(/^r_/, "db_").slice(0, 63);
}

/**
 * A MySQL flexible server, private, TLS 1.2 required. MySQL cannot be created without an
 * administrator password: it is generated by Terraform and stored only in the Key Vault (and in
 * Terraform state, which must be an encrypted, access-controlled backend); nothing is in files.
 */
function mysql(ctx: AzureContext, db: Database, index: number, owner: string): HclBlock[] {
  const name = tfName(db.id);
  const address = serverAddress(db);
  return [
    ctx.resource("random_password", `${name}_admin`, owner, { length: 32, special: true, override_special: "-_.~" }),
    ctx.resource("azurerm_key_vault_secret", `${name}_admin_password`, owner, {
      name: `${awsName(60, db.id)}-admin-password`,
      value: ref(`random_password.${name}_admin.result`),
      key_vault_id: ref(`${VAULT}.id`),
      content_type: "password",
      depends_on: [ref("azurerm_role_assignment.deployer_secrets_officer")],
    }),
    ctx.resource("azurerm_mysql_flexible_server", name, owner, {
      ...serverBasics(ctx, db, index, "mysql"),
      version: db.engine_version,
      administrator_login: "app_admin",
      administrator_password: ref(`random_password.${name}_admin.result`),
      storage: block({ size_gb: flexibleStorageGb(db.storage_gb), auto_grow_enabled: db.max_storage_gb > flexibleStorageGb(db.storage_gb) }),
      depends_on: [ref("azurerm_private_dns_zone_virtual_network_link.mysql")],
      lifecycle: db.deletion_protection ? block({ prevent_destroy: true }) : undefined,
    }),
    ctx.resource("azurerm_mysql_flexible_server_configuration", `${name}_secure_transport`, owner, {
      name: "require_secure_transport",
      resource_group_name: PLACEMENT.resource_group_name,
      server_name: ref(`${address}.name`),
      value: "ON",
    }),
    ctx.resource("azurerm_mysql_flexible_server_configuration", `${name}_tls`, owner, {
      name: "tls_version",
      resource_group_name: PLACEMENT.resource_group_name,
      server_name: ref(`${address}.name`),
      value: "TLSv1.2",
    }),
    ctx.resource("azurerm_mysql_flexible_database", name, owner, {
      name: databaseName(db),
      resource_group_name: PLACEMENT.resource_group_name,
      server_name: ref(`${address}.name`),
      charset: "utf8mb4",
      collation: "utf8mb4_unicode_ci",
    }),
  ];
}

/** `Standard:C1` → { sku: "Standard", family: "C", capacity: 1 }. */
export function parseRedisNodeType(nodeType: string): { sku: "Basic" | "Standard" | "Premium"; family: "C" | "P"; capacity: number } | null {
  const match = /^(Basic|Standard|Premium):([CP])([0-6])$/.exec(nodeType);
  if (!match) return null;
  const sku = match[1] as "Basic" | "Standard" | "Premium";
  const family = match[2] as "C" | "P";
  if ((sku === "Premium") !== (family === "P")) return null;
  return { sku, family, capacity: Number(match[3]) };
}

/**
 * An Azure Cache for Redis: TLS 1.2 only (port 6380), no access keys (Entra ID authentication,
 * each workload identity a Data Contributor), no public network access (private endpoint); zone
 * redundant on Premium when the plan asks for it.
 * @throws AtlasError `VALIDATION_FAILED` when `node_type` is not `<Basic|Standard|Premium>:<C|P><0-6>`
 */
function redis(ctx: AzureContext, cache: Cache, index: number): HclBlock[] {
  const parsed = parseRedisNodeType(cache.node_type);
  if (!parsed) {
    throw new AtlasError("VALIDATION_FAILED", `cache ${cache.id}: node_type "${cache.node_type}" is not an Azure Cache for Redis size`, {
      issues: [{ path: `caches[${index}].node_type`, message: 'use "<Basic|Standard|Premium>:<C|P><0-6>", e.g. "Standard:C1"' }],
    });
  }
  const owner = ctx.component(["azure-redis"], { id: cache.id, index });
  const name = tfName(cache.id);
  const zoned = parsed.sku === "Premium" && cache.multi_az && ctx.plan.network.availability_zones.length > 1;
  return [
    ctx.resource("azurerm_redis_cache", name, owner, {
      name: ctx.globalName({ max: 63, suffix: `redis-${cache.id}`, lead: "redis" }),
      ...PLACEMENT,
      sku_name: parsed.sku,
      family: parsed.family,
      capacity: parsed.capacity,
      redis_version: "6",
      minimum_tls_version: "1.2",
      non_ssl_port_enabled: false,
      public_network_access_enabled: false,
      access_keys_authentication_enabled: false,
      zones: zoned ? ctx.plan.network.availability_zones : undefined,
      redis_configuration: block({ active_directory_authentication_enabled: true }),
    }),
    privateEndpoint(ctx, `redis_${name}`, owner, ref(`${cacheAddress(cache)}.id`), "redisCache"),
    ...appIdentities(ctx).map((identity) =>
      ctx.resource("azurerm_redis_cache_access_policy_assignment", `${name}_${identity.name}`, owner, {
        name: `${identity.name.replace(/_/g, "-")}-data-contributor`,
        redis_cache_id: ref(`${cacheAddress(cache)}.id`),
        access_policy_name: "Data Contributor",
        object_id: ref(`${identityAddress(identity)}.principal_id`),
        object_id_alias: identity.name,
      }),
    ),
  ];
}

/**
 * data.tf: database servers in the delegated subnet with their private DNS zone, and Redis caches
 * behind private endpoints.
 * @throws AtlasError `VALIDATION_FAILED` when one design mixes PostgreSQL and MySQL (one delegated subnet serves one engine)
 */
export function renderData(ctx: AzureContext): AzureSection[] {
  const { databases, caches } = ctx.plan;
  const blocks: HclBlock[] = [];
  const engines = new Set(databases.map((db) => (db.engine === "mysql" ? "mysql" : "postgres")));
  if (engines.size > 1) {
    throw new AtlasError("VALIDATION_FAILED", "one Azure design cannot mix PostgreSQL and MySQL servers: the database subnet is delegated to one engine", {
      issues: [{ path: "databases", message: "use one engine" }],
    });
  }
  databases.forEach((db, index) => {
    if (db.engine !== "postgres" && db.engine !== "mysql") {
      throw new AtlasError("VALIDATION_FAILED", `database ${db.id}: engine ${db.engine} has no Azure flexible server`, {
        issues: [{ path: `databases[${index}].engine`, message: "use postgres or mysql on azure" }],
      });
    }
  });
  for (const engine of [...engines]) {
    const owner = ctx.component([engine === "mysql" ? "azure-mysql" : "azure-postgres"]);
    blocks.push(...privateDnsZone(ctx, engine, `${ctx.prefix}.private.${engine}.database.azure.com`, owner));
  }
  databases.forEach((db, index) => {
    const owner = ctx.component(db.engine === "mysql" ? ["azure-mysql"] : ["azure-postgres"], { id: db.id, index });
    blocks.push(...(db.engine === "mysql" ? mysql(ctx, db, index, owner) : postgres(ctx, db, index, owner)));
    blocks.push(diagnosticSetting(ctx, `database_${tfName(db.id)}`, owner, ref(`${serverAddress(db)}.id`)));
  });
  if (caches.length > 0) {
    const owner = ctx.component(["azure-redis"]);
    blocks.push(...privateDnsZone(ctx, zoneName("redisCache"), PRIVATE_LINK_ZONES.redisCache, owner));
    caches.forEach((cache, index) => {
      blocks.push(...redis(ctx, cache, index));
    });
  }
  return blocks.length > 0 ? [{ file: "data.tf", blocks }] : [];
}
