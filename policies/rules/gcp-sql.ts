import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { absent, explicitlyFalse, notTrue, upper } from "./gcp-common.js";
import { bool, cannotVerify, hit, hitWith, nested, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

// Check ids: Checkov (bridgecrewio/checkov, checks/resource/gcp) and Trivy
// (aquasecurity/trivy-checks, checks/cloud/google/sql).

type Attrs = Record<string, unknown>;

/** The first `settings` block of a Cloud SQL instance (empty when absent). */
function settingsOf(db: TerraformResource): Attrs {
  return nested(db.attributes, "settings")[0] ?? {};
}

/** The first `settings.ip_configuration` block (empty when absent). */
function ipConfigOf(db: TerraformResource): Attrs {
  return nested(settingsOf(db), "ip_configuration")[0] ?? {};
}

/** The first `settings.backup_configuration` block (empty when absent). */
function backupsOf(db: TerraformResource): Attrs {
  return nested(settingsOf(db), "backup_configuration")[0] ?? {};
}

/** `database_version` in upper case (`POSTGRES_15`, `MYSQL_8_0`, `SQLSERVER_2019_STANDARD`), "" when not a literal. */
function engineOf(db: TerraformResource): string {
  const version = upper(db.attributes.database_version);
  return version === undefined || version === UNKNOWN ? "" : version;
}

/** Read replicas (`master_instance_name` set) take backups and availability from their primary. */
function primaries(ctx: RuleContext): TerraformResource[] {
  return ofType(ctx, "google_sql_database_instance").filter((db) => absent(db.attributes.master_instance_name));
}

/** True when the instance has a public IPv4 address: `ipv4_enabled` is true, or absent (the provider default is true). */
function publicIp(db: TerraformResource): boolean | typeof UNKNOWN {
  const value = bool(ipConfigOf(db).ipv4_enabled);
  return value === undefined ? true : value;
}

export const sqlOpenToWorld: Rule = {
  id: "GCP_SQL_OPEN_TO_WORLD",
  title: "Cloud SQL instance accepts connections from the whole internet",
  severity: "critical",
  aliases: ["CKV_GCP_11", "GCP-0017"],
  target: "terraform",
  remediation:
    "Remove the 0.0.0.0/0 authorized network; connect through the Cloud SQL Auth Proxy or a private IP (ipv4_enabled = false with private_network set).",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const db of ofType(ctx, "google_sql_database_instance")) {
      const ip = ipConfigOf(db);
      const networks = [...nested(ip, "authorized_networks"), ...nested(ip, "dynamic", "authorized_networks", "content")];
      const open = networks.filter((network) => typeof network.value === "string" && !unresolvedInput(network.value) && network.value.endsWith("/0"));
      const unknown = networks.find((network) => unresolvedInput(network.value));
      const reachable = publicIp(db);
      if (reachable === false) continue;
      if (open.length > 0 && reachable === UNKNOWN && unresolvedInput(ip.ipv4_enabled)) {
        hits.push(cannotVerify(db, "ipv4_enabled", ip.ipv4_enabled));
      } else if (open.length > 0) {
        hits.push(hit(db, `An authorized network allows ${open.map((network) => network.value).join(", ")}: anyone can reach the database port.`));
      } else if (unknown) {
        hits.push(cannotVerify(db, "authorized_networks.value", unknown.value));
      }
    }
    return hits;
  },
};

export const sqlPublicIp: Rule = {
  id: "GCP_SQL_PUBLIC_IP",
  title: "Cloud SQL instance has a public IP address",
  severity: "medium",
  aliases: ["CKV_GCP_60", "GCP-0017"],
  target: "terraform",
  remediation:
    "Set settings.ip_configuration.ipv4_enabled = false and private_network to the VPC the applications run in (private services access), or use Private Service Connect.",
  check(ctx) {
    return ofType(ctx, "google_sql_database_instance")
      .filter((db) => publicIp(db) === true)
      .map((db) => {
        // CKV_GCP_60 only reads SQL Server instances.
        const aliases = engineOf(db).startsWith("SQLSERVER") ? ["CKV_GCP_60", "GCP-0017"] : ["GCP-0017"];
        const why = ipConfigOf(db).ipv4_enabled === undefined ? "ipv4_enabled is not set (the provider default is true)" : "ipv4_enabled = true";
        return hitWith(db, aliases, `${why}: the instance gets a public address, protected only by authorized networks and passwords.`);
      });
  },
};

/** SSL modes that refuse unencrypted connections (Cloud SQL Admin API, `SslMode`). */
const SSL_ENFORCED = new Set(["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"]);

export const sqlRequireSsl: Rule = {
  id: "GCP_SQL_REQUIRE_SSL",
  title: "Cloud SQL instance accepts unencrypted connections",
  severity: "high",
  aliases: ["CKV_GCP_6", "GCP-0015"],
  target: "terraform",
  remediation:
    'Set settings.ip_configuration.ssl_mode = "ENCRYPTED_ONLY" (or "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"); on google provider 5.x and older, require_ssl = true.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const db of ofType(ctx, "google_sql_database_instance")) {
      const ip = ipConfigOf(db);
      const mode = upper(ip.ssl_mode);
      // CKV_GCP_6 reads require_ssl only; GCP-0015 reads ssl_mode first, require_ssl when ssl_mode is absent.
      const aliases = notTrue(ip.require_ssl) ? ["CKV_GCP_6", "GCP-0015"] : ["GCP-0015"];
      if (mode === UNKNOWN) {
        if (unresolvedInput(ip.ssl_mode)) hits.push(cannotVerify(db, "ssl_mode", ip.ssl_mode, aliases));
      } else if (mode !== undefined && mode !== "") {
        if (!SSL_ENFORCED.has(mode)) hits.push(hitWith(db, aliases, `ssl_mode = "${mode}" lets clients connect without TLS.`));
      } else if (bool(ip.require_ssl) === UNKNOWN) {
        if (unresolvedInput(ip.require_ssl)) hits.push(cannotVerify(db, "require_ssl", ip.require_ssl, aliases));
      } else if (bool(ip.require_ssl) !== true) {
        hits.push(hitWith(db, aliases, "Neither ssl_mode nor require_ssl enforces TLS: clients may send credentials and data in clear text."));
      }
    }
    return hits;
  },
};

export const sqlBackups: Rule = {
  id: "GCP_SQL_BACKUPS",
  title: "Cloud SQL instance has automated backups off",
  severity: "medium",
  aliases: ["CKV_GCP_14", "GCP-0024"],
  target: "terraform",
  remediation: "Add settings.backup_configuration { enabled = true } (with a start_time outside peak hours) so the instance can be restored after data loss.",
  check(ctx) {
    return primaries(ctx)
      .filter((db) => notTrue(backupsOf(db).enabled))
      .map((db) => hit(db, "backup_configuration.enabled is not true: there are no automated backups to restore from."));
  },
};

export const sqlPointInTimeRecoveryProd: Rule = {
  id: "GCP_SQL_POINT_IN_TIME_RECOVERY_PROD",
  title: "Production Cloud SQL instance cannot be restored to a point in time",
  severity: "medium",
  aliases: ["CKV2_GCP_20"],
  target: "terraform",
  remediation:
    "In backup_configuration set binary_log_enabled = true (MySQL) or point_in_time_recovery_enabled = true (PostgreSQL, SQL Server) so the database can be restored to any moment, not only the last nightly backup.",
  check(ctx) {
    if (ctx.environment !== "prod") return [];
    const hits: RuleHit[] = [];
    // With backups off, GCP_SQL_BACKUPS already reports the instance.
    for (const db of primaries(ctx).filter((d) => bool(backupsOf(d).enabled) === true)) {
      const mysql = engineOf(db).startsWith("MYSQL");
      const attribute = mysql ? "binary_log_enabled" : "point_in_time_recovery_enabled";
      if (!notTrue(backupsOf(db)[attribute])) continue;
      hits.push(hitWith(db, mysql ? ["CKV2_GCP_20"] : [], `backup_configuration.${attribute} is not true: only whole daily backups can be restored in prod.`));
    }
    return hits;
  },
};

export const sqlDeletionProtectionProd: Rule = {
  id: "GCP_SQL_DELETION_PROTECTION_PROD",
  title: "Production Cloud SQL instance has Terraform deletion protection turned off",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation:
    "Remove deletion_protection = false (the provider default is true) and consider settings.deletion_protection_enabled = true, which also guards against deletion outside Terraform.",
  check(ctx) {
    if (ctx.environment !== "prod") return [];
    return primaries(ctx)
      .filter((db) => explicitlyFalse(db.attributes.deletion_protection))
      .map((db) => hit(db, "deletion_protection = false: a destroy or a forced replacement deletes the production database and its backups."));
  },
};

export const sqlHighAvailabilityProd: Rule = {
  id: "GCP_SQL_HIGH_AVAILABILITY_PROD",
  title: "Production Cloud SQL instance is not highly available",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation: 'Set settings.availability_type = "REGIONAL" so a standby in another zone takes over when the primary zone fails.',
  check(ctx) {
    if (ctx.environment !== "prod") return [];
    const hits: RuleHit[] = [];
    for (const db of primaries(ctx)) {
      const value = upper(settingsOf(db).availability_type);
      if (value === UNKNOWN || value === "REGIONAL") continue;
      const why = value === undefined ? "availability_type is not set (ZONAL by default)" : `availability_type = "${value}"`;
      hits.push(hit(db, `${why}: a zone outage or maintenance event takes the production database down.`));
    }
    return hits;
  },
};

/** PostgreSQL logging flags worth having on, with the checks about each flag set to "off". */
const PG_LOG_FLAGS: Record<string, readonly string[]> = {
  log_connections: ["CKV_GCP_52", "GCP-0016"],
  log_disconnections: ["CKV_GCP_53", "GCP-0022"],
  log_checkpoints: ["CKV_GCP_51", "GCP-0025"],
  log_lock_waits: ["CKV_GCP_54", "GCP-0020"],
};

export const sqlPostgresLogFlags: Rule = {
  id: "GCP_SQL_POSTGRES_LOG_FLAGS",
  title: "Cloud SQL for PostgreSQL does not log connections, disconnections, checkpoints or lock waits",
  severity: "low",
  aliases: Object.values(PG_LOG_FLAGS).flat(),
  target: "terraform",
  remediation: 'Add settings.database_flags { name = "<flag>" value = "on" } for log_connections, log_disconnections, log_checkpoints and log_lock_waits.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const db of ofType(ctx, "google_sql_database_instance").filter((d) => engineOf(d).startsWith("POSTGRES"))) {
      const flags = nested(settingsOf(db), "database_flags");
      const flagValue = (name: string) => {
        const flag = flags.find((f) => f.name === name);
        return flag === undefined ? undefined : str(flag.value);
      };
      const missing = Object.keys(PG_LOG_FLAGS).filter((name) => flagValue(name) === undefined);
      const off = Object.keys(PG_LOG_FLAGS).filter((name) => {
        const value = flagValue(name);
        return value !== undefined && value !== UNKNOWN && value.toLowerCase() !== "on";
      });
      if (missing.length === 0 && off.length === 0) continue;
      // The public checks fail a flag set to "off"; versions differ on a flag left out, so only "off" carries their ids.
      const aliases = off.flatMap((name) => PG_LOG_FLAGS[name] ?? []);
      const parts = [...(off.length > 0 ? [`${off.join(", ")} set off`] : []), ...(missing.length > 0 ? [`${missing.join(", ")} not set`] : [])];
      hits.push(hitWith(db, aliases, `PostgreSQL logging flags ${parts.join("; ")}: sessions and lock contention leave no trace in Cloud Logging.`));
    }
    return hits;
  },
};

/** Cloud SQL rules. */
export const gcpSqlRules: Rule[] = [
  sqlOpenToWorld,
  sqlPublicIp,
  sqlRequireSsl,
  sqlBackups,
  sqlPointInTimeRecoveryProd,
  sqlDeletionProtectionProd,
  sqlHighAvailabilityProd,
  sqlPostgresLogFlags,
];
