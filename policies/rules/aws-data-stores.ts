import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleHit } from "../types.js";
import { boolOr, presence } from "./helpers/service-values.js";
import { blocks, cannotVerify, hit, literals, nested, num, ofType, str, UNKNOWN } from "./helpers/terraform.js";

/**
 * The hit for a high-severity "must be true" setting: none when true, "Cannot verify" when
 * unknown, else a finding with `message`. `fallback` is the provider default when absent.
 */
function requireTrue(resource: TerraformResource, attribute: string, value: unknown, fallback: boolean, message: string): RuleHit[] {
  const enabled = boolOr(value, fallback);
  if (enabled === UNKNOWN) return [cannotVerify(resource, attribute, value)];
  return enabled ? [] : [hit(resource, message)];
}

/** The hit for a high-severity customer-managed key check: none when a key is named, "Cannot verify" when unknown. */
function requireKey(resource: TerraformResource, attribute: string, value: unknown, message: string): RuleHit[] {
  const key = presence(value);
  if (key === UNKNOWN) return [cannotVerify(resource, attribute, value)];
  return key === "set" ? [] : [hit(resource, message)];
}

/** The first block at a path, or an empty object (absent blocks read as all defaults). */
function first(attrs: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  return nested(attrs, ...names)[0] ?? {};
}

// ---- DynamoDB and DAX ----

export const daxEncryption: Rule = {
  id: "AWS_DAX_ENCRYPTION",
  title: "DAX cluster is not encrypted at rest",
  severity: "high",
  aliases: ["AWS-0023"],
  target: "terraform",
  remediation: "Add server_side_encryption { enabled = true } (it requires replacing the cluster).",
  check(ctx) {
    return ofType(ctx, "aws_dax_cluster").flatMap((cluster) => {
      const sse = first(cluster.attributes, "server_side_encryption");
      return requireTrue(
        cluster,
        "server_side_encryption.enabled",
        sse.enabled,
        false,
        "server_side_encryption is not enabled: cached items and logs are stored unencrypted.",
      );
    });
  },
};

export const dynamodbPointInTimeRecovery: Rule = {
  id: "AWS_DYNAMODB_PITR",
  title: "DynamoDB table has no point-in-time recovery",
  severity: "medium",
  aliases: ["AWS-0024"],
  target: "terraform",
  remediation: "Add point_in_time_recovery { enabled = true } so the table can be restored to any second of the last 35 days.",
  check(ctx) {
    return ofType(ctx, "aws_dynamodb_table")
      .filter((table) => boolOr(first(table.attributes, "point_in_time_recovery").enabled, false) === false)
      .map((table) => hit(table, "Point-in-time recovery is off: an accidental or malicious write or delete cannot be rolled back."));
  },
};

export const dynamodbCustomerKey: Rule = {
  id: "AWS_DYNAMODB_CMK",
  title: "DynamoDB table is not encrypted with a customer-managed key",
  severity: "low",
  aliases: ["AWS-0025"],
  target: "terraform",
  remediation: "Add server_side_encryption { enabled = true, kms_key_arn = aws_kms_key.<name>.arn }.",
  check(ctx) {
    return ofType(ctx, "aws_dynamodb_table").flatMap((table) => {
      const sse = first(table.attributes, "server_side_encryption");
      const enabled = boolOr(sse.enabled, false);
      const key = str(sse.kms_key_arn);
      if (enabled === UNKNOWN || key === UNKNOWN) return [];
      if (enabled && key && !key.endsWith("alias/aws/dynamodb")) return [];
      return [hit(table, "The table is encrypted with an AWS-owned or AWS-managed key, which you cannot restrict, audit or revoke.")];
    });
  },
};

// ---- ElastiCache ----

export const elasticacheBackupRetention: Rule = {
  id: "AWS_ELASTICACHE_BACKUP_RETENTION",
  title: "Redis cluster keeps no automatic backups",
  severity: "medium",
  aliases: ["AWS-0050"],
  target: "terraform",
  remediation: "Set snapshot_retention_limit to at least 1 (7 in production) so the cache can be restored from a daily snapshot.",
  check(ctx) {
    return ofType(ctx, "aws_elasticache_cluster", "aws_elasticache_replication_group")
      .filter((cluster) => {
        // Memcached has no backups (and Valkey is not what the check names); a cluster joining a
        // replication group takes its settings from there.
        const engine = str(cluster.attributes.engine) ?? (cluster.type === "aws_elasticache_replication_group" ? "redis" : undefined);
        if (engine !== "redis") return false;
        if (cluster.attributes.replication_group_id !== undefined && cluster.attributes.replication_group_id !== null) return false;
        return str(cluster.attributes.node_type) !== "cache.t1.micro";
      })
      .filter((cluster) => (num(cluster.attributes.snapshot_retention_limit) ?? 0) === 0)
      .map((cluster) => hit(cluster, "snapshot_retention_limit is 0 (the default): no automatic snapshots, so a failure or flush loses the data."));
  },
};

// ---- DocumentDB ----

export const docdbLogExport: Rule = {
  id: "AWS_DOCDB_LOG_EXPORT",
  title: "DocumentDB cluster exports no audit or profiler logs",
  severity: "medium",
  aliases: ["AWS-0020"],
  target: "terraform",
  remediation: 'Set enabled_cloudwatch_logs_exports = ["audit", "profiler"] (and audit_logs = "enabled" in the cluster parameter group).',
  check(ctx) {
    return ofType(ctx, "aws_docdb_cluster")
      .filter((cluster) => {
        const value = cluster.attributes.enabled_cloudwatch_logs_exports;
        if (typeof value === "string" && value.includes("${")) return false;
        const list = Array.isArray(value) ? value : [];
        if (list.some((item) => typeof item === "string" && item.includes("${"))) return false;
        return !literals(list).some((log) => log === "audit" || log === "profiler");
      })
      .map((cluster) => hit(cluster, "Neither audit nor profiler logs go to CloudWatch: who read or changed data cannot be traced."));
  },
};

export const docdbStorageEncryption: Rule = {
  id: "AWS_DOCDB_ENCRYPTION",
  title: "DocumentDB storage is not encrypted",
  severity: "high",
  aliases: ["AWS-0021"],
  target: "terraform",
  remediation: "Set storage_encrypted = true (with kms_key_id); an existing cluster needs a snapshot restored into an encrypted one.",
  check(ctx) {
    return ofType(ctx, "aws_docdb_cluster").flatMap((cluster) =>
      requireTrue(
        cluster,
        "storage_encrypted",
        cluster.attributes.storage_encrypted,
        false,
        "storage_encrypted is not true: data, backups and snapshots are stored unencrypted.",
      ),
    );
  },
};

export const docdbCustomerKey: Rule = {
  id: "AWS_DOCDB_CMK",
  title: "DocumentDB cluster is not encrypted with a customer-managed key",
  severity: "low",
  aliases: ["AWS-0022"],
  target: "terraform",
  remediation: "Set kms_key_id = aws_kms_key.<name>.arn (with storage_encrypted = true).",
  check(ctx) {
    return ofType(ctx, "aws_docdb_cluster")
      .filter((cluster) => presence(cluster.attributes.kms_key_id) === "unset")
      .map((cluster) => hit(cluster, "No kms_key_id: storage, if encrypted, uses the AWS-managed key, which you cannot restrict or revoke."));
  },
};

// ---- Neptune ----

export const neptuneAuditLog: Rule = {
  id: "AWS_NEPTUNE_AUDIT_LOG",
  title: "Neptune cluster does not export audit logs",
  severity: "medium",
  aliases: ["AWS-0075"],
  target: "terraform",
  remediation: 'Set enable_cloudwatch_logs_exports = ["audit"] (and neptune_enable_audit_log = 1 in the cluster parameter group).',
  check(ctx) {
    return ofType(ctx, "aws_neptune_cluster")
      .filter((cluster) => {
        const value = cluster.attributes.enable_cloudwatch_logs_exports;
        const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
        if (list.some((item) => typeof item === "string" && item.includes("${"))) return false;
        return !literals(list).includes("audit");
      })
      .map((cluster) => hit(cluster, "Audit logs are not exported to CloudWatch: queries against the graph leave no trace."));
  },
};

export const neptuneStorageEncryption: Rule = {
  id: "AWS_NEPTUNE_ENCRYPTION",
  title: "Neptune storage is not encrypted",
  severity: "high",
  aliases: ["AWS-0076"],
  target: "terraform",
  remediation: "Set storage_encrypted = true (with kms_key_arn); an existing cluster needs a snapshot restored into an encrypted one.",
  check(ctx) {
    return ofType(ctx, "aws_neptune_cluster").flatMap((cluster) =>
      requireTrue(
        cluster,
        "storage_encrypted",
        cluster.attributes.storage_encrypted,
        false,
        "storage_encrypted is not true: data, backups and snapshots are stored unencrypted.",
      ),
    );
  },
};

export const neptuneCustomerKey: Rule = {
  id: "AWS_NEPTUNE_CMK",
  title: "Neptune cluster is not encrypted with a customer-managed key",
  severity: "high",
  aliases: ["AWS-0128"],
  target: "terraform",
  remediation: "Set kms_key_arn = aws_kms_key.<name>.arn (with storage_encrypted = true).",
  check(ctx) {
    return ofType(ctx, "aws_neptune_cluster").flatMap((cluster) =>
      requireKey(
        cluster,
        "kms_key_arn",
        cluster.attributes.kms_key_arn,
        "No kms_key_arn: storage, if encrypted, uses the AWS-managed key, which you cannot restrict or revoke.",
      ),
    );
  },
};

// ---- Redshift ----

export const redshiftCustomerKey: Rule = {
  id: "AWS_REDSHIFT_CMK",
  title: "Redshift cluster is not encrypted with a customer-managed key",
  severity: "high",
  aliases: ["AWS-0084"],
  target: "terraform",
  remediation: "Set encrypted = true and kms_key_id = aws_kms_key.<name>.arn.",
  check(ctx) {
    return ofType(ctx, "aws_redshift_cluster").flatMap((cluster) => {
      const encrypted = boolOr(cluster.attributes.encrypted, false);
      if (encrypted === UNKNOWN) return [cannotVerify(cluster, "encrypted", cluster.attributes.encrypted)];
      if (encrypted === false && cluster.attributes.encrypted !== undefined && cluster.attributes.encrypted !== null) {
        return [hit(cluster, "encrypted = false: the warehouse, its backups and snapshots are stored unencrypted.")];
      }
      // Absent `encrypted`: older providers create an unencrypted cluster, newer ones one under the AWS-managed key.
      const state = encrypted
        ? "the cluster is encrypted with the AWS-managed key"
        : "the cluster is unencrypted or under the AWS-managed key (depending on the provider version)";
      return requireKey(cluster, "kms_key_id", cluster.attributes.kms_key_id, `No kms_key_id: ${state}, which you cannot restrict, audit or revoke.`);
    });
  },
};

export const redshiftInVpc: Rule = {
  id: "AWS_REDSHIFT_IN_VPC",
  title: "Redshift cluster is not placed in a subnet group of your VPC",
  severity: "high",
  aliases: ["AWS-0127"],
  target: "terraform",
  remediation: "Set cluster_subnet_group_name to an aws_redshift_subnet_group of private subnets.",
  check(ctx) {
    return ofType(ctx, "aws_redshift_cluster").flatMap((cluster) =>
      requireKey(
        cluster,
        "cluster_subnet_group_name",
        cluster.attributes.cluster_subnet_group_name,
        "No cluster_subnet_group_name: the cluster lands in the default VPC, outside your own network controls.",
      ),
    );
  },
};

// ---- MSK ----

export const mskInTransitEncryption: Rule = {
  id: "AWS_MSK_IN_TRANSIT_ENCRYPTION",
  title: "MSK cluster accepts plaintext client connections",
  severity: "high",
  aliases: ["AWS-0073"],
  target: "terraform",
  remediation: 'Set encryption_info { encryption_in_transit { client_broker = "TLS" } } (the default) and connect clients over TLS.',
  check(ctx) {
    return ofType(ctx, "aws_msk_cluster").flatMap((cluster) => {
      const transit = first(cluster.attributes, "encryption_info", "encryption_in_transit");
      const value = str(transit.client_broker);
      if (value === UNKNOWN) return [cannotVerify(cluster, "encryption_info.encryption_in_transit.client_broker", transit.client_broker)];
      if (value !== "PLAINTEXT" && value !== "TLS_PLAINTEXT") return [];
      return [hit(cluster, `client_broker = "${value}": producers and consumers may send records in clear text.`)];
    });
  },
};

export const mskLogging: Rule = {
  id: "AWS_MSK_LOGGING",
  title: "MSK cluster ships broker logs nowhere",
  severity: "medium",
  aliases: ["AWS-0074"],
  target: "terraform",
  remediation: "Add logging_info { broker_logs { cloudwatch_logs { enabled = true, log_group = ... } } } (or firehose / s3).",
  check(ctx) {
    return ofType(ctx, "aws_msk_cluster")
      .filter((cluster) => {
        const targets = nested(cluster.attributes, "logging_info", "broker_logs").flatMap((logs) =>
          ["cloudwatch_logs", "firehose", "s3"].flatMap((target) => blocks(logs[target])),
        );
        return !targets.some((target) => boolOr(target.enabled, false) !== false);
      })
      .map((cluster) => hit(cluster, "No broker logs to CloudWatch, Firehose or S3: broker errors and access cannot be investigated."));
  },
};

export const mskAtRestCustomerKey: Rule = {
  id: "AWS_MSK_AT_REST_CMK",
  title: "MSK cluster is not encrypted at rest with a customer-managed key",
  severity: "high",
  aliases: ["AWS-0179"],
  target: "terraform",
  remediation: "Set encryption_info { encryption_at_rest_kms_key_arn = aws_kms_key.<name>.arn }.",
  check(ctx) {
    return ofType(ctx, "aws_msk_cluster").flatMap((cluster) => {
      const info = first(cluster.attributes, "encryption_info");
      return requireKey(
        cluster,
        "encryption_info.encryption_at_rest_kms_key_arn",
        info.encryption_at_rest_kms_key_arn,
        "No encryption_at_rest_kms_key_arn: broker storage uses the AWS-managed key, which you cannot restrict or revoke.",
      );
    });
  },
};

// ---- EFS ----

export const efsEncryption: Rule = {
  id: "AWS_EFS_ENCRYPTION",
  title: "EFS file system is not encrypted at rest",
  severity: "high",
  aliases: ["AWS-0037"],
  target: "terraform",
  remediation: "Set encrypted = true (with kms_key_id); an existing file system must be copied to a new encrypted one.",
  check(ctx) {
    return ofType(ctx, "aws_efs_file_system").flatMap((fs) =>
      requireTrue(fs, "encrypted", fs.attributes.encrypted, false, "encrypted is not true: files and metadata are stored unencrypted."),
    );
  },
};

// ---- Athena ----

export const athenaEncryption: Rule = {
  id: "AWS_ATHENA_ENCRYPTION",
  title: "Athena workgroup or database results are not encrypted",
  severity: "high",
  aliases: ["AWS-0006"],
  target: "terraform",
  remediation: 'Set encryption_configuration { encryption_option = "SSE_KMS", kms_key_arn = ... } on the workgroup\'s result_configuration (or the database).',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const resource of ofType(ctx, "aws_athena_workgroup", "aws_athena_database")) {
      const path =
        resource.type === "aws_athena_workgroup" ? ["configuration", "result_configuration", "encryption_configuration"] : ["encryption_configuration"];
      const option = first(resource.attributes, ...path).encryption_option;
      const value = presence(option);
      if (value === UNKNOWN) hits.push(cannotVerify(resource, `${path.join(".")}.encryption_option`, option));
      else if (value === "unset") hits.push(hit(resource, "No encryption_option: query results written to S3 are not encrypted by Athena."));
    }
    return hits;
  },
};

export const athenaEnforceConfiguration: Rule = {
  id: "AWS_ATHENA_ENFORCE_CONFIGURATION",
  title: "Athena workgroup lets clients override its encryption settings",
  severity: "high",
  aliases: ["AWS-0007"],
  target: "terraform",
  remediation: "Remove enforce_workgroup_configuration = false (the default is true) so clients cannot turn result encryption off.",
  check(ctx) {
    return ofType(ctx, "aws_athena_workgroup").flatMap((group) => {
      const config = first(group.attributes, "configuration");
      // The provider's default inside `configuration` is true.
      return requireTrue(
        group,
        "configuration.enforce_workgroup_configuration",
        config.enforce_workgroup_configuration,
        true,
        "enforce_workgroup_configuration = false: each client may disable result encryption.",
      );
    });
  },
};

// ---- Kinesis, Secrets Manager, WorkSpaces ----

export const kinesisEncryption: Rule = {
  id: "AWS_KINESIS_ENCRYPTION",
  title: "Kinesis stream is not encrypted with a KMS key",
  severity: "high",
  aliases: ["AWS-0064"],
  target: "terraform",
  remediation: 'Set encryption_type = "KMS" and kms_key_id = aws_kms_key.<name>.arn.',
  check(ctx) {
    return ofType(ctx, "aws_kinesis_stream").flatMap((stream) => {
      const type = str(stream.attributes.encryption_type) ?? "NONE";
      if (type === UNKNOWN) return [cannotVerify(stream, "encryption_type", stream.attributes.encryption_type)];
      if (type !== "KMS") return [hit(stream, `encryption_type is ${type}: records are stored unencrypted.`)];
      return requireKey(stream, "kms_key_id", stream.attributes.kms_key_id, 'encryption_type = "KMS" without kms_key_id: no key is named for the stream.');
    });
  },
};

export const secretsManagerCustomerKey: Rule = {
  id: "AWS_SECRETSMANAGER_CMK",
  title: "Secrets Manager secret is not encrypted with a customer-managed key",
  severity: "low",
  aliases: ["AWS-0098"],
  target: "terraform",
  remediation: "Set kms_key_id = aws_kms_key.<name>.arn so access to the secret also needs access to your key.",
  check(ctx) {
    return ofType(ctx, "aws_secretsmanager_secret")
      .filter((secret) => {
        const key = secret.attributes.kms_key_id;
        return presence(key) === "unset" || (typeof key === "string" && key.endsWith("alias/aws/secretsmanager"));
      })
      .map((secret) => hit(secret, "The secret uses the AWS-managed key aws/secretsmanager, which any principal with secret access may use."));
  },
};

export const workspacesEncryption: Rule = {
  id: "AWS_WORKSPACES_ENCRYPTION",
  title: "WorkSpaces volumes are not encrypted",
  severity: "high",
  aliases: ["AWS-0109"],
  target: "terraform",
  remediation: "Set root_volume_encryption_enabled = true and user_volume_encryption_enabled = true (with volume_encryption_key).",
  check(ctx) {
    return ofType(ctx, "aws_workspaces_workspace").flatMap((workspace) => [
      ...requireTrue(
        workspace,
        "root_volume_encryption_enabled",
        workspace.attributes.root_volume_encryption_enabled,
        false,
        "The root volume is not encrypted.",
      ),
      ...requireTrue(
        workspace,
        "user_volume_encryption_enabled",
        workspace.attributes.user_volume_encryption_enabled,
        false,
        "The user volume (D:, /home) is not encrypted.",
      ),
    ]);
  },
};

// ---- OpenSearch / Elasticsearch ----

const SEARCH_DOMAINS = ["aws_opensearch_domain", "aws_elasticsearch_domain"];

export const searchAuditLogging: Rule = {
  id: "AWS_OPENSEARCH_AUDIT_LOGS",
  title: "OpenSearch domain does not publish audit logs",
  severity: "medium",
  aliases: ["AWS-0042"],
  target: "terraform",
  remediation: 'Add log_publishing_options { log_type = "AUDIT_LOGS", cloudwatch_log_group_arn = ... } (audit logs need fine-grained access control).',
  check(ctx) {
    return ofType(ctx, ...SEARCH_DOMAINS)
      .filter((domain) => {
        const audit = nested(domain.attributes, "log_publishing_options").filter((o) => str(o.log_type) === "AUDIT_LOGS" || str(o.log_type) === UNKNOWN);
        return !audit.some((o) => boolOr(o.enabled, true) !== false);
      })
      .map((domain) => hit(domain, "No AUDIT_LOGS publishing: who read or changed which index cannot be traced."));
  },
};

export const searchNodeToNodeEncryption: Rule = {
  id: "AWS_OPENSEARCH_NODE_TO_NODE_ENCRYPTION",
  title: "OpenSearch nodes talk to each other in clear text",
  severity: "high",
  aliases: ["AWS-0043"],
  target: "terraform",
  remediation: "Add node_to_node_encryption { enabled = true }.",
  check(ctx) {
    return ofType(ctx, ...SEARCH_DOMAINS).flatMap((domain) =>
      requireTrue(
        domain,
        "node_to_node_encryption.enabled",
        first(domain.attributes, "node_to_node_encryption").enabled,
        false,
        "Node-to-node encryption is off: shard traffic inside the cluster is unencrypted.",
      ),
    );
  },
};

export const searchEnforceHttps: Rule = {
  id: "AWS_OPENSEARCH_ENFORCE_HTTPS",
  title: "OpenSearch domain accepts plain HTTP",
  severity: "critical",
  aliases: ["AWS-0046"],
  target: "terraform",
  remediation: 'Add domain_endpoint_options { enforce_https = true, tls_security_policy = "Policy-Min-TLS-1-2-2019-07" }.',
  check(ctx) {
    return ofType(ctx, ...SEARCH_DOMAINS).flatMap((domain) => {
      const options = nested(domain.attributes, "domain_endpoint_options")[0];
      if (!options)
        return [hit(domain, "No domain_endpoint_options: the API does not require HTTPS unless told to, so requests and credentials may travel in clear.")];
      // The provider defaults enforce_https to true inside the block.
      return requireTrue(
        domain,
        "domain_endpoint_options.enforce_https",
        options.enforce_https,
        true,
        "enforce_https = false: requests and credentials may travel in clear.",
      );
    });
  },
};

export const searchEncryptionAtRest: Rule = {
  id: "AWS_OPENSEARCH_ENCRYPTION_AT_REST",
  title: "OpenSearch domain is not encrypted at rest",
  severity: "high",
  aliases: ["AWS-0048"],
  target: "terraform",
  remediation: "Add encrypt_at_rest { enabled = true } (with kms_key_id for a customer-managed key).",
  check(ctx) {
    return ofType(ctx, ...SEARCH_DOMAINS).flatMap((domain) =>
      requireTrue(
        domain,
        "encrypt_at_rest.enabled",
        first(domain.attributes, "encrypt_at_rest").enabled,
        false,
        "encrypt_at_rest is not enabled: indices, logs and swap are stored unencrypted.",
      ),
    );
  },
};

export const searchTlsPolicy: Rule = {
  id: "AWS_OPENSEARCH_TLS_POLICY",
  title: "OpenSearch domain endpoint allows TLS older than 1.2",
  severity: "high",
  aliases: ["AWS-0126"],
  target: "terraform",
  remediation: 'Set domain_endpoint_options { tls_security_policy = "Policy-Min-TLS-1-2-2019-07" } (or a TLS 1.3 policy).',
  check(ctx) {
    return ofType(ctx, ...SEARCH_DOMAINS).flatMap((domain) => {
      const options = first(domain.attributes, "domain_endpoint_options");
      const policy = str(options.tls_security_policy);
      // Absent, AWS picks the policy; only a named policy can be judged here.
      if (policy === undefined) return [];
      if (policy === UNKNOWN) return [cannotVerify(domain, "domain_endpoint_options.tls_security_policy", options.tls_security_policy)];
      if (/^Policy-Min-TLS-1-[23]-/.test(policy)) return [];
      return [hit(domain, `tls_security_policy "${policy}" accepts TLS 1.0 and 1.1 clients.`)];
    });
  },
};

/** DynamoDB, DAX, ElastiCache backups, DocumentDB, Neptune, Redshift, MSK, EFS, Athena, Kinesis, Secrets Manager, WorkSpaces and OpenSearch rules. */
export const dataStoreRules: readonly Rule[] = [
  daxEncryption,
  dynamodbPointInTimeRecovery,
  dynamodbCustomerKey,
  elasticacheBackupRetention,
  docdbLogExport,
  docdbStorageEncryption,
  docdbCustomerKey,
  neptuneAuditLog,
  neptuneStorageEncryption,
  neptuneCustomerKey,
  redshiftCustomerKey,
  redshiftInVpc,
  mskInTransitEncryption,
  mskLogging,
  mskAtRestCustomerKey,
  efsEncryption,
  athenaEncryption,
  athenaEnforceConfiguration,
  kinesisEncryption,
  secretsManagerCustomerKey,
  workspacesEncryption,
  searchAuditLogging,
  searchNodeToNodeEncryption,
  searchEnforceHttps,
  searchEncryptionAtRest,
  searchTlsPolicy,
];
