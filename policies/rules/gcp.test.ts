import { describe, expect, it } from "vitest";
import type { IacFile } from "../../iac/types.js";
import { type ValidateOptions, validateIac } from "../engine.js";
import type { Finding } from "../types.js";
import { gcpRules } from "./gcp.js";
import { builtinRules } from "./index.js";

const tf = (content: string): IacFile[] => [{ path: "main.tf", content }];

/** Findings of one rule for one Terraform file (prod unless told otherwise). */
async function findingsOf(content: string, ruleId: string, options: ValidateOptions = { environment: "prod" }): Promise<Finding[]> {
  const report = await validateIac(tf(content), options);
  return report.findings.filter((f) => f.rule_id === ruleId);
}

/** `resource: aliases` of one rule's findings, for alias precision checks. */
async function aliasesOf(content: string, ruleId: string): Promise<string[]> {
  return (await findingsOf(content, ruleId)).map((f) => `${f.resource}: ${f.aliases.join(" ")}`);
}

// Small builders for the resources the cases below vary.
const bucket = (body = "") => `resource "google_storage_bucket" "b" {\n  name = "acme-b"\n  location = "EU"\n${body}}\n`;
const sql = (version: string, settings: string, top = "") =>
  `resource "google_sql_database_instance" "db" {\n  database_version = "${version}"\n  region = "europe-west1"\n${top}  settings {\n    tier = "db-f1-micro"\n${settings}  }\n}\n`;
const privateIp = '    ip_configuration {\n      ipv4_enabled = false\n      private_network = "projects/p/global/networks/main"\n    }\n';
const cluster = (body = "") => `resource "google_container_cluster" "c" {\n  name = "c"\n  location = "europe-west1"\n${body}}\n`;
const removed = "  remove_default_node_pool = true\n  initial_node_count = 1\n";
const pool = (body = "") => `resource "google_container_node_pool" "p" {\n  name = "p"\n  cluster = google_container_cluster.c.id\n${body}}\n`;
const firewall = (allow: string, sources: string, extra = "") =>
  `resource "google_compute_firewall" "f" {\n  name = "f"\n  network = "main"\n  allow {\n${allow}  }\n  source_ranges = ${sources}\n${extra}}\n`;
const subnet = (body: string) => `resource "google_compute_subnetwork" "s" {\n  name = "s"\n  ip_cidr_range = "10.0.0.0/20"\n  network = "main"\n${body}}\n`;
const iamMember = (type: string, target: string, role: string, member: string) =>
  `resource "${type}" "g" {\n  ${target}\n  role = "${role}"\n  member = "${member}"\n}\n`;
const runV2 = (body: string) => `resource "google_cloud_run_v2_service" "api" {\n  name = "api"\n  location = "europe-west1"\n${body}}\n`;
const redis = (body: string) => `resource "google_redis_instance" "r" {\n  name = "r"\n  memory_size_gb = 1\n${body}}\n`;

interface Case {
  rule: string;
  fail: string;
  pass: string;
}

/** One failing and one passing configuration per GCP rule (validated as prod). */
const CASES: Case[] = [
  { rule: "GCP_STORAGE_UNIFORM_ACCESS", fail: bucket(), pass: bucket("  uniform_bucket_level_access = true\n") },
  {
    rule: "GCP_STORAGE_PUBLIC_ACCESS_PREVENTION",
    fail: bucket('  public_access_prevention = "inherited"\n'),
    pass: bucket('  public_access_prevention = "enforced"\n'),
  },
  {
    rule: "GCP_STORAGE_PUBLIC_IAM",
    fail: iamMember("google_storage_bucket_iam_member", 'bucket = "acme-b"', "roles/storage.objectViewer", "allAuthenticatedUsers"),
    pass: iamMember("google_storage_bucket_iam_member", 'bucket = "acme-b"', "roles/storage.objectViewer", "serviceAccount:app@p.iam.gserviceaccount.com"),
  },
  { rule: "GCP_STORAGE_VERSIONING", fail: bucket(), pass: bucket("  versioning {\n    enabled = true\n  }\n") },
  {
    rule: "GCP_STORAGE_CMEK",
    fail: bucket(),
    pass: bucket('  encryption {\n    default_kms_key_name = "projects/p/locations/eu/keyRings/r/cryptoKeys/k"\n  }\n'),
  },
  {
    rule: "GCP_SQL_OPEN_TO_WORLD",
    fail: sql("MYSQL_8_0", '    ip_configuration {\n      authorized_networks {\n        value = "0.0.0.0/0"\n      }\n    }\n'),
    pass: sql("MYSQL_8_0", '    ip_configuration {\n      authorized_networks {\n        value = "203.0.113.0/24"\n      }\n    }\n'),
  },
  { rule: "GCP_SQL_PUBLIC_IP", fail: sql("MYSQL_8_0", ""), pass: sql("MYSQL_8_0", privateIp) },
  {
    rule: "GCP_SQL_REQUIRE_SSL",
    fail: sql("POSTGRES_15", privateIp),
    pass: sql("POSTGRES_15", privateIp.replace("    }\n", '      ssl_mode = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"\n    }\n')),
  },
  {
    rule: "GCP_SQL_BACKUPS",
    fail: sql("POSTGRES_15", privateIp),
    pass: sql("POSTGRES_15", `${privateIp}    backup_configuration {\n      enabled = true\n    }\n`),
  },
  {
    rule: "GCP_SQL_POINT_IN_TIME_RECOVERY_PROD",
    fail: sql("POSTGRES_15", `${privateIp}    backup_configuration {\n      enabled = true\n    }\n`),
    pass: sql("POSTGRES_15", `${privateIp}    backup_configuration {\n      enabled = true\n      point_in_time_recovery_enabled = true\n    }\n`),
  },
  { rule: "GCP_SQL_DELETION_PROTECTION_PROD", fail: sql("MYSQL_8_0", privateIp, "  deletion_protection = false\n"), pass: sql("MYSQL_8_0", privateIp) },
  { rule: "GCP_SQL_HIGH_AVAILABILITY_PROD", fail: sql("MYSQL_8_0", privateIp), pass: sql("MYSQL_8_0", `${privateIp}    availability_type = "REGIONAL"\n`) },
  {
    rule: "GCP_SQL_POSTGRES_LOG_FLAGS",
    fail: sql("POSTGRES_15", privateIp),
    pass: sql(
      "POSTGRES_15",
      privateIp +
        ["log_connections", "log_disconnections", "log_checkpoints", "log_lock_waits"]
          .map((name) => `    database_flags {\n      name = "${name}"\n      value = "on"\n    }\n`)
          .join(""),
    ),
  },
  { rule: "GCP_GKE_PRIVATE_NODES", fail: cluster(removed), pass: cluster(`${removed}  private_cluster_config {\n    enable_private_nodes = true\n  }\n`) },
  {
    rule: "GCP_GKE_MASTER_AUTHORIZED_NETWORKS",
    fail: cluster(removed),
    pass: cluster(`${removed}  master_authorized_networks_config {\n    cidr_blocks {\n      cidr_block = "10.0.0.0/8"\n    }\n  }\n`),
  },
  {
    rule: "GCP_GKE_WORKLOAD_IDENTITY",
    fail: cluster(removed),
    pass: cluster(`${removed}  workload_identity_config {\n    workload_pool = "acme.svc.id.goog"\n  }\n`),
  },
  { rule: "GCP_GKE_SHIELDED_NODES", fail: cluster(`${removed}  enable_shielded_nodes = false\n`), pass: cluster(removed) },
  {
    rule: "GCP_GKE_SECURE_BOOT",
    fail: cluster(removed) + pool('  node_config {\n    machine_type = "e2-standard-4"\n  }\n'),
    pass: cluster(removed) + pool("  node_config {\n    shielded_instance_config {\n      enable_secure_boot = true\n    }\n  }\n"),
  },
  { rule: "GCP_GKE_NETWORK_POLICY", fail: cluster(removed), pass: cluster(`${removed}  network_policy {\n    enabled = true\n  }\n`) },
  { rule: "GCP_GKE_LEGACY_ABAC", fail: cluster(`${removed}  enable_legacy_abac = true\n`), pass: cluster(removed) },
  {
    rule: "GCP_GKE_LEGACY_CLIENT_AUTH",
    fail: cluster(`${removed}  master_auth {\n    client_certificate_config {\n      issue_client_certificate = true\n    }\n  }\n`),
    pass: cluster(removed),
  },
  { rule: "GCP_GKE_RELEASE_CHANNEL", fail: cluster(removed), pass: cluster(`${removed}  release_channel {\n    channel = "STABLE"\n  }\n`) },
  {
    rule: "GCP_GKE_NODE_AUTO_MANAGEMENT",
    fail: cluster(removed) + pool("  management {\n    auto_upgrade = false\n  }\n"),
    pass: cluster(removed) + pool("  management {\n    auto_repair = true\n  }\n"),
  },
  { rule: "GCP_GKE_LOGGING_MONITORING", fail: cluster(`${removed}  monitoring_service = "none"\n`), pass: cluster(removed) },
  {
    rule: "GCP_GKE_NODE_IMAGE",
    fail: cluster(removed) + pool('  node_config {\n    image_type = "ubuntu_containerd"\n  }\n'),
    pass: cluster(removed) + pool('  node_config {\n    machine_type = "e2-standard-4"\n  }\n'),
  },
  {
    rule: "GCP_GKE_NODE_SERVICE_ACCOUNT",
    fail: cluster(removed) + pool('  node_config {\n    service_account = "123456789-compute@developer.gserviceaccount.com"\n  }\n'),
    pass: cluster(removed) + pool('  node_config {\n    service_account = "gke-nodes@acme.iam.gserviceaccount.com"\n  }\n'),
  },
  {
    rule: "GCP_GKE_METADATA_SERVER",
    fail: cluster(removed) + pool('  node_config {\n    workload_metadata_config {\n      mode = "GCE_METADATA"\n    }\n  }\n'),
    pass: cluster(removed) + pool('  node_config {\n    workload_metadata_config {\n      mode = "GKE_METADATA"\n    }\n  }\n'),
  },
  {
    rule: "GCP_GKE_LEGACY_METADATA_ENDPOINTS",
    fail: cluster(removed) + pool('  node_config {\n    metadata = {\n      "disable-legacy-endpoints" = false\n    }\n  }\n'),
    pass: cluster(removed) + pool('  node_config {\n    metadata = {\n      "disable-legacy-endpoints" = true\n    }\n  }\n'),
  },
  {
    rule: "GCP_FIREWALL_SSH_OPEN",
    fail: firewall('    protocol = "tcp"\n    ports = ["20-30"]\n', '["0.0.0.0/0"]'),
    pass: firewall('    protocol = "tcp"\n    ports = ["443"]\n', '["0.0.0.0/0"]'),
  },
  {
    rule: "GCP_FIREWALL_RDP_OPEN",
    fail: firewall('    protocol = "tcp"\n    ports = ["3389"]\n', '["::/0"]'),
    pass: firewall('    protocol = "tcp"\n    ports = ["3389"]\n', '["0.0.0.0/0"]', '  direction = "EGRESS"\n'),
  },
  {
    rule: "GCP_FIREWALL_ALL_PORTS_OPEN",
    fail: firewall('    protocol = "udp"\n', '["0.0.0.0/0"]'),
    pass: firewall('    protocol = "udp"\n', '["0.0.0.0/0"]', "  disabled = true\n"),
  },
  { rule: "GCP_SUBNET_FLOW_LOGS", fail: subnet(""), pass: subnet('  purpose = "REGIONAL_MANAGED_PROXY"\n') },
  { rule: "GCP_SUBNET_PRIVATE_GOOGLE_ACCESS", fail: subnet(""), pass: subnet("  private_ip_google_access = true\n") },
  {
    rule: "GCP_LB_SSL_POLICY_TLS",
    fail: 'resource "google_compute_ssl_policy" "p" {\n  name = "p"\n  min_tls_version = "TLS_1_2"\n}\n',
    pass: 'resource "google_compute_ssl_policy" "p" {\n  name = "p"\n  min_tls_version = "TLS_1_2"\n  profile = "RESTRICTED"\n}\n',
  },
  {
    rule: "GCP_LB_HTTPS_PROXY_SSL_POLICY",
    fail: 'resource "google_compute_target_https_proxy" "x" {\n  name = "x"\n  url_map = "m"\n}\n',
    pass: 'resource "google_compute_target_https_proxy" "x" {\n  name = "x"\n  url_map = "m"\n  ssl_policy = google_compute_ssl_policy.p.id\n}\n',
  },
  {
    rule: "GCP_LB_CLOUD_ARMOR",
    fail: 'resource "google_compute_backend_service" "b" {\n  name = "b"\n}\n',
    pass: 'resource "google_compute_backend_service" "b" {\n  name = "b"\n  load_balancing_scheme = "INTERNAL_MANAGED"\n}\n',
  },
  {
    rule: "GCP_RUN_PUBLIC_INVOKER",
    fail:
      runV2('  template {\n    service_account = "api@p.iam.gserviceaccount.com"\n  }\n') +
      'resource "google_cloud_run_v2_service_iam_member" "public" {\n  name = google_cloud_run_v2_service.api.name\n  role = "roles/run.invoker"\n  member = "allUsers"\n}\n',
    pass:
      runV2('  ingress = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"\n  template {\n    service_account = "api@p.iam.gserviceaccount.com"\n  }\n') +
      'resource "google_cloud_run_v2_service_iam_member" "public" {\n  name = google_cloud_run_v2_service.api.name\n  role = "roles/run.invoker"\n  member = "allUsers"\n}\n',
  },
  {
    rule: "GCP_RUN_DEFAULT_SERVICE_ACCOUNT",
    fail: runV2('  template {\n    containers {\n      image = "gcr.io/p/api:1"\n    }\n  }\n'),
    pass: runV2('  template {\n    service_account = "api@p.iam.gserviceaccount.com"\n  }\n'),
  },
  { rule: "GCP_REDIS_AUTH", fail: redis(""), pass: redis("  auth_enabled = true\n") },
  {
    rule: "GCP_REDIS_TRANSIT_ENCRYPTION",
    fail: redis('  transit_encryption_mode = "DISABLED"\n'),
    pass: redis('  transit_encryption_mode = "SERVER_AUTHENTICATION"\n'),
  },
  { rule: "GCP_REDIS_HIGH_AVAILABILITY_PROD", fail: redis('  tier = "BASIC"\n'), pass: redis('  tier = "STANDARD_HA"\n') },
  {
    rule: "GCP_PUBSUB_CMEK",
    fail: 'resource "google_pubsub_topic" "t" {\n  name = "t"\n}\n',
    pass: 'resource "google_pubsub_topic" "t" {\n  name = "t"\n  kms_key_name = google_kms_crypto_key.k.id\n}\n',
  },
  {
    rule: "GCP_IAM_PRIMITIVE_ROLE",
    fail: 'resource "google_project_iam_binding" "g" {\n  project = "p"\n  role = "roles/editor"\n  members = ["group:devs@example.com"]\n}\n',
    pass: 'resource "google_project_iam_binding" "g" {\n  project = "p"\n  role = "roles/viewer"\n  members = ["group:devs@example.com"]\n}\n',
  },
  {
    rule: "GCP_IAM_SERVICE_ACCOUNT_KEY",
    fail: 'resource "google_service_account" "ci" {\n  account_id = "ci"\n}\nresource "google_service_account_key" "ci" {\n  service_account_id = google_service_account.ci.name\n}\n',
    pass: 'resource "google_service_account" "ci" {\n  account_id = "ci"\n}\n',
  },
];

describe("GCP rules: one failing and one passing configuration each", () => {
  it("covers every GCP rule, and every GCP rule is registered once among the built-in rules", () => {
    const ids = gcpRules.map((rule) => rule.id);
    expect(CASES.map((c) => c.rule).sort()).toEqual([...ids].sort());
    expect(builtinRules.filter((rule) => ids.includes(rule.id)).length).toBe(ids.length);
  });

  describe.each(CASES)("$rule", ({ rule, fail, pass }) => {
    it("fires on the failing configuration, at a located line", async () => {
      const found = await findingsOf(fail, rule);
      expect(found.length).toBeGreaterThan(0);
      for (const finding of found) {
        expect(finding.unverified).toBeUndefined();
        expect(finding.line).not.toBeNull();
        expect(finding.message.length).toBeGreaterThan(0);
      }
    });

    it("stays quiet on the passing configuration", async () => {
      expect((await findingsOf(pass, rule)).map((f) => f.message)).toEqual([]);
    });
  });
});

describe("GCP rules: alias precision", () => {
  it("firewall: 0.0.0.0/0 carries the public ids, tags remove GCP-0027, ::/0 alone carries none", async () => {
    const ssh = (name: string, sources: string, extra = "") =>
      firewall('    protocol = "tcp"\n    ports = ["22"]\n', sources, extra).replace('"google_compute_firewall" "f"', `"google_compute_firewall" "${name}"`);
    const content = ssh("open", '["0.0.0.0/0"]') + ssh("tagged", '["0.0.0.0/0"]', '  target_tags = ["bastion"]\n') + ssh("v6", '["::/0"]');
    expect(await aliasesOf(content, "GCP_FIREWALL_SSH_OPEN")).toEqual([
      "google_compute_firewall.open: CKV_GCP_2 GCP-0071 GCP-0027",
      "google_compute_firewall.tagged: CKV_GCP_2 GCP-0071",
      "google_compute_firewall.v6: ",
    ]);
  });

  it("firewall: an all-ports rule is reported once, by the all-ports rule; GCP-0072 only for protocol all or 0-65535", async () => {
    const content =
      firewall('    protocol = "all"\n', '["0.0.0.0/0"]').replace('"f"', '"all"') +
      firewall('    protocol = "tcp"\n', '["0.0.0.0/0"]').replace('"f"', '"tcp"') +
      firewall('    protocol = "tcp"\n    ports = ["0-65535"]\n', '["0.0.0.0/0"]').replace('"f"', '"range"');
    expect(await aliasesOf(content, "GCP_FIREWALL_ALL_PORTS_OPEN")).toEqual([
      "google_compute_firewall.all: GCP-0072 GCP-0027",
      "google_compute_firewall.tcp: GCP-0027",
      "google_compute_firewall.range: GCP-0072 GCP-0027",
    ]);
    expect(await findingsOf(content, "GCP_FIREWALL_SSH_OPEN")).toEqual([]);
    expect(await findingsOf(content, "GCP_FIREWALL_RDP_OPEN")).toEqual([]);
  });

  it("Cloud SQL: CKV_GCP_60 only for SQL Server; CKV_GCP_6 only when require_ssl is not true", async () => {
    const content =
      sql("SQLSERVER_2019_STANDARD", "").replace('"db"', '"mssql"') +
      sql("MYSQL_8_0", "").replace('"db"', '"mysql"') +
      sql("POSTGRES_15", '    ip_configuration {\n      require_ssl = true\n      ssl_mode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED"\n    }\n').replace(
        '"db"',
        '"pg"',
      );
    expect(await aliasesOf(content, "GCP_SQL_PUBLIC_IP")).toEqual([
      "google_sql_database_instance.mssql: CKV_GCP_60 GCP-0017",
      "google_sql_database_instance.mysql: GCP-0017",
      "google_sql_database_instance.pg: GCP-0017",
    ]);
    expect(await aliasesOf(content, "GCP_SQL_REQUIRE_SSL")).toEqual([
      "google_sql_database_instance.mssql: CKV_GCP_6 GCP-0015",
      "google_sql_database_instance.mysql: CKV_GCP_6 GCP-0015",
      "google_sql_database_instance.pg: GCP-0015",
    ]);
  });

  it("PostgreSQL flags: only a flag set off carries its ids; a flag left out is reported without them", async () => {
    const flags = '    database_flags {\n      name = "log_lock_waits"\n      value = "off"\n    }\n';
    const found = await findingsOf(sql("POSTGRES_15", privateIp + flags), "GCP_SQL_POSTGRES_LOG_FLAGS");
    expect(found.map((f) => f.aliases)).toEqual([["CKV_GCP_54", "GCP-0020"]]);
    expect(found[0]?.message).toContain("log_lock_waits set off");
    expect(found[0]?.message).toContain("log_connections, log_disconnections, log_checkpoints not set");
  });

  it("IAM primitive roles: GCP-0007 for service accounts, GCP-0003 for users, CKV_GCP_117 for both", async () => {
    const content =
      iamMember("google_project_iam_member", 'project = "p"', "roles/owner", "serviceAccount:ci@p.iam.gserviceaccount.com").replace('"g"', '"sa"') +
      iamMember("google_project_iam_member", 'project = "p"', "roles/editor", "user:bob@example.com").replace('"g"', '"user"');
    expect(await aliasesOf(content, "GCP_IAM_PRIMITIVE_ROLE")).toEqual([
      "google_project_iam_member.sa: CKV_GCP_117 GCP-0007",
      "google_project_iam_member.user: CKV_GCP_117 GCP-0003",
    ]);
  });

  it("GKE: the node pool rules name the checks about node pools only", async () => {
    const content =
      cluster('  initial_node_count = 1\n  node_config {\n    image_type = "UBUNTU_CONTAINERD"\n  }\n') +
      pool('  node_config {\n    image_type = "WINDOWS_LTSC_CONTAINERD"\n  }\n');
    // CKV_GCP_22 reads google_container_node_pool only.
    expect(await aliasesOf(content, "GCP_GKE_NODE_IMAGE")).toEqual([
      "google_container_cluster.c: GCP-0054",
      "google_container_node_pool.p: CKV_GCP_22 GCP-0054",
    ]);
  });

  it("GKE: no authorized networks and authorized 0.0.0.0/0 are different checks", async () => {
    const content =
      cluster(removed).replace('"c"', '"none"') +
      cluster(`${removed}  master_authorized_networks_config {\n    cidr_blocks {\n      cidr_block = "0.0.0.0/0"\n    }\n  }\n`).replace('"c"', '"world"');
    expect(await aliasesOf(content, "GCP_GKE_MASTER_AUTHORIZED_NETWORKS")).toEqual([
      "google_container_cluster.none: CKV_GCP_20 GCP-0061",
      "google_container_cluster.world: CKV_GCP_18 GCP-0053",
    ]);
  });

  it("GKE release channel: UNSPECIFIED is a finding without CKV_GCP_70 (which accepts any value); Autopilot is always enrolled", async () => {
    const content =
      cluster(removed).replace('"c"', '"none"') +
      cluster(`${removed}  release_channel {\n    channel = "UNSPECIFIED"\n  }\n`).replace('"c"', '"unspecified"') +
      cluster("  enable_autopilot = true\n").replace('"c"', '"autopilot"');
    expect(await aliasesOf(content, "GCP_GKE_RELEASE_CHANNEL")).toEqual([
      "google_container_cluster.none: CKV_GCP_70",
      "google_container_cluster.unspecified: ",
    ]);
  });

  it("Cloud Run: CKV_GCP_102 names the v1 IAM resources only", async () => {
    const v1 =
      'resource "google_cloud_run_service_iam_member" "v1" {\n  service = "legacy"\n  role = "roles/run.invoker"\n  member = "allUsers"\n}\n' +
      'resource "google_cloud_run_v2_service_iam_member" "v2" {\n  name = "api"\n  role = "roles/run.invoker"\n  member = "allAuthenticatedUsers"\n}\n';
    expect(await aliasesOf(v1, "GCP_RUN_PUBLIC_INVOKER")).toEqual([
      "google_cloud_run_service_iam_member.v1: CKV_GCP_102",
      "google_cloud_run_v2_service_iam_member.v2: ",
    ]);
  });
});

describe("GCP rules: environment and defaults", () => {
  it("leaves the prod-only rules silent outside prod", async () => {
    const content = sql("MYSQL_8_0", `${privateIp}    backup_configuration {\n      enabled = true\n    }\n`, "  deletion_protection = false\n") + redis("");
    const report = await validateIac(tf(content), { environment: "dev" });
    const prodOnly = [
      "GCP_SQL_POINT_IN_TIME_RECOVERY_PROD",
      "GCP_SQL_DELETION_PROTECTION_PROD",
      "GCP_SQL_HIGH_AVAILABILITY_PROD",
      "GCP_REDIS_HIGH_AVAILABILITY_PROD",
    ];
    expect(report.findings.filter((f) => prodOnly.includes(f.rule_id))).toEqual([]);
    const prod = await validateIac(tf(content), { environment: "prod" });
    expect(
      prod.findings
        .filter((f) => prodOnly.includes(f.rule_id))
        .map((f) => f.rule_id)
        .sort(),
    ).toEqual([...prodOnly].sort());
  });

  it("judges absent attributes by the provider defaults: shielded nodes and node auto-repair default on", async () => {
    const content = cluster(removed) + pool("  management {\n  }\n");
    expect(await findingsOf(content, "GCP_GKE_SHIELDED_NODES")).toEqual([]);
    expect(await findingsOf(content, "GCP_GKE_NODE_AUTO_MANAGEMENT")).toEqual([]);
  });

  it("skips read replicas for backups and availability, which come from the primary", async () => {
    const replica = sql("POSTGRES_15", privateIp, '  master_instance_name = "primary"\n');
    expect(await findingsOf(replica, "GCP_SQL_BACKUPS")).toEqual([]);
    expect(await findingsOf(replica, "GCP_SQL_HIGH_AVAILABILITY_PROD")).toEqual([]);
  });
});

describe("GCP rules: plan JSON", () => {
  it('reads planned values, where absent blocks are empty lists, absent strings empty and a node pool\'s default account is "default"', async () => {
    const resource = (type: string, values: Record<string, unknown>) => ({ address: `${type}.a`, mode: "managed", type, name: "a", values });
    const plan = {
      format_version: "1.2",
      planned_values: {
        root_module: {
          resources: [
            resource("google_container_node_pool", {
              cluster: "c",
              node_config: [{ service_account: "default", image_type: "COS_CONTAINERD", workload_metadata_config: [] }],
              management: [{ auto_repair: true, auto_upgrade: true }],
            }),
            resource("google_sql_database_instance", {
              database_version: "MYSQL_8_0",
              master_instance_name: "",
              deletion_protection: true,
              settings: [
                {
                  availability_type: "REGIONAL",
                  ip_configuration: [{ ipv4_enabled: false, ssl_mode: "ENCRYPTED_ONLY", authorized_networks: [] }],
                  backup_configuration: [{ enabled: true, binary_log_enabled: true }],
                },
              ],
            }),
          ],
        },
      },
    };
    const report = await validateIac([{ path: "plan.json", content: JSON.stringify(plan) }], { environment: "prod" });
    const found = report.findings.filter((f) => f.rule_id.startsWith("GCP_"));
    // The account "default" is set (so not GCP-0050's empty value) but is the Compute Engine default.
    expect(found.map((f) => `${f.rule_id} ${f.resource}: ${f.aliases.join(" ")}`).sort()).toEqual([
      "GCP_GKE_NODE_SERVICE_ACCOUNT google_container_node_pool.a: ",
      "GCP_GKE_SECURE_BOOT google_container_node_pool.a: CKV_GCP_68",
    ]);
  });
});

describe("GCP rules: values not known before apply", () => {
  it("says 'Cannot verify' for high checks on an unresolved variable, never pass", async () => {
    const content = [
      'variable "members" {}\nvariable "ssl" {}\nvariable "sources" {}\nvariable "role" {}\nvariable "abac" {}',
      'resource "google_storage_bucket_iam_binding" "b" {\n  bucket = "acme-b"\n  role = "roles/storage.objectViewer"\n  members = var.members\n}',
      sql("POSTGRES_15", "    ip_configuration {\n      ipv4_enabled = false\n      ssl_mode = var.ssl\n    }\n"),
      firewall('    protocol = "tcp"\n    ports = ["22"]\n', "var.sources"),
      'resource "google_project_iam_member" "m" {\n  project = "p"\n  role = var.role\n  member = "user:a@example.com"\n}',
      cluster(`${removed}  enable_legacy_abac = var.abac\n`),
    ].join("\n");
    const report = await validateIac(tf(content), { environment: "prod" });
    const unverified = report.findings.filter((f) => f.unverified).map((f) => [f.rule_id, f.resource]);
    expect(unverified).toEqual(
      expect.arrayContaining([
        ["GCP_STORAGE_PUBLIC_IAM", "google_storage_bucket_iam_binding.b"],
        ["GCP_SQL_REQUIRE_SSL", "google_sql_database_instance.db"],
        ["GCP_FIREWALL_SSH_OPEN", "google_compute_firewall.f"],
        ["GCP_IAM_PRIMITIVE_ROLE", "google_project_iam_member.m"],
        ["GCP_GKE_LEGACY_ABAC", "google_container_cluster.c"],
      ]),
    );
    expect(report.findings.filter((f) => f.unverified).every((f) => f.message.startsWith("Cannot verify"))).toBe(true);
    expect(report.status).toBe("FAIL");
  });

  it("uses a variable's default when it has one: a 0.0.0.0/0 default is a real finding", async () => {
    const content = `variable "sources" {\n  default = ["0.0.0.0/0"]\n}\n${firewall('    protocol = "tcp"\n    ports = ["22"]\n', "var.sources")}`;
    const found = await findingsOf(content, "GCP_FIREWALL_SSH_OPEN");
    expect(found.map((f) => [f.unverified ?? false, f.aliases])).toEqual([[false, ["CKV_GCP_2", "GCP-0071", "GCP-0027"]]]);
  });
});
