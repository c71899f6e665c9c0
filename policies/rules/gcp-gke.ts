import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { absent, autopilot, clusterOf, explicitlyFalse, keepsDefaultPool, notTrue, upper } from "./gcp-common.js";
import { bool, cannotVerify, hit, hitWith, nested, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

// Check ids: Checkov (bridgecrewio/checkov, checks/resource/gcp/GKE*.py) and Trivy
// (aquasecurity/trivy-checks, checks/cloud/google/gke).

type Attrs = Record<string, unknown>;

const clusters = (ctx: RuleContext) => ofType(ctx, "google_container_cluster");
const nodePools = (ctx: RuleContext) => ofType(ctx, "google_container_node_pool");

/** The first `node_config` block of a cluster or node pool, or undefined when there is none. */
function nodeConfigOf(resource: TerraformResource): Attrs | undefined {
  return nested(resource.attributes, "node_config")[0];
}

/**
 * Node configurations that describe real nodes: each node pool's, and a cluster's own when it
 * keeps its default pool. `config` is undefined where the block is absent (GKE defaults apply).
 */
function nodeConfigs(ctx: RuleContext): { resource: TerraformResource; config: Attrs | undefined }[] {
  return [
    ...clusters(ctx)
      .filter(keepsDefaultPool)
      .map((resource) => ({ resource, config: nodeConfigOf(resource) })),
    ...nodePools(ctx).map((resource) => ({ resource, config: nodeConfigOf(resource) })),
  ];
}

/** One boolean cluster attribute that must not be true, reported with the high-severity "cannot verify" rule. */
function mustNotBeTrue(ctx: RuleContext, attribute: string, message: string): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const cluster of clusters(ctx)) {
    const value = cluster.attributes[attribute];
    if (bool(value) === true) hits.push(hit(cluster, message));
    else if (unresolvedInput(value)) hits.push(cannotVerify(cluster, attribute, value));
  }
  return hits;
}

export const gkePrivateNodes: Rule = {
  id: "GCP_GKE_PRIVATE_NODES",
  title: "GKE cluster nodes have public IP addresses",
  severity: "medium",
  aliases: ["CKV_GCP_25", "CKV_GCP_64", "GCP-0059"],
  target: "terraform",
  remediation:
    'Add private_cluster_config { enable_private_nodes = true, master_ipv4_cidr_block = "172.16.0.0/28" } and give the nodes egress through Cloud NAT.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const cluster of clusters(ctx)) {
      const configs = nested(cluster.attributes, "private_cluster_config");
      if (configs.length === 0) {
        hits.push(hit(cluster, "No private_cluster_config: every node gets a public IP address reachable from the internet."));
        continue;
      }
      if (configs.some((config) => bool(config.enable_private_nodes) === true || bool(config.enable_private_nodes) === UNKNOWN)) continue;
      // CKV_GCP_25 and CKV_GCP_64 only ask for the block to be present.
      hits.push(hitWith(cluster, ["GCP-0059"], "private_cluster_config.enable_private_nodes is not true: nodes get public IP addresses."));
    }
    return hits;
  },
};

export const gkeMasterAuthorizedNetworks: Rule = {
  id: "GCP_GKE_MASTER_AUTHORIZED_NETWORKS",
  title: "GKE control plane accepts connections from any address",
  severity: "medium",
  aliases: ["CKV_GCP_20", "GCP-0061", "CKV_GCP_18", "GCP-0053"],
  target: "terraform",
  remediation:
    "Add master_authorized_networks_config with cidr_blocks for the admin and CI networks only (never 0.0.0.0/0), so the Kubernetes API is not open to the whole internet.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const cluster of clusters(ctx)) {
      const configs = nested(cluster.attributes, "master_authorized_networks_config");
      if (configs.length === 0) {
        hits.push(
          hitWith(
            cluster,
            ["CKV_GCP_20", "GCP-0061"],
            "No master_authorized_networks_config: the Kubernetes API endpoint accepts connections from any IP address.",
          ),
        );
      } else if (configs.some((config) => nested(config, "cidr_blocks").some((block) => block.cidr_block === "0.0.0.0/0"))) {
        hits.push(
          hitWith(
            cluster,
            ["CKV_GCP_18", "GCP-0053"],
            "master_authorized_networks_config authorizes 0.0.0.0/0: the Kubernetes API is open to the whole internet.",
          ),
        );
      }
    }
    return hits;
  },
};

export const gkeWorkloadIdentity: Rule = {
  id: "GCP_GKE_WORKLOAD_IDENTITY",
  title: "GKE cluster does not enable Workload Identity",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation:
    'Add workload_identity_config { workload_pool = "<project>.svc.id.goog" } and bind Kubernetes service accounts to Google service accounts instead of sharing the node\'s identity.',
  check(ctx) {
    return clusters(ctx)
      .filter((cluster) => !autopilot(cluster))
      .filter((cluster) => !nested(cluster.attributes, "workload_identity_config").some((config) => !absent(config.workload_pool)))
      .map((cluster) =>
        hit(cluster, "No workload_identity_config.workload_pool: every pod acts with the node's service account and can read its credentials."),
      );
  },
};

export const gkeShieldedNodes: Rule = {
  id: "GCP_GKE_SHIELDED_NODES",
  title: "GKE cluster has Shielded GKE Nodes turned off",
  severity: "medium",
  aliases: ["CKV_GCP_71", "GCP-0055"],
  target: "terraform",
  remediation: "Remove enable_shielded_nodes = false (the default is true): Shielded nodes prove their identity and boot integrity to the control plane.",
  check(ctx) {
    return clusters(ctx)
      .filter((cluster) => explicitlyFalse(cluster.attributes.enable_shielded_nodes))
      .map((cluster) => hit(cluster, "enable_shielded_nodes = false: a compromised node can impersonate another one to the control plane."));
  },
};

export const gkeSecureBoot: Rule = {
  id: "GCP_GKE_SECURE_BOOT",
  title: "GKE nodes do not use Secure Boot",
  severity: "low",
  aliases: ["CKV_GCP_68"],
  target: "terraform",
  remediation: "Add node_config { shielded_instance_config { enable_secure_boot = true } } so nodes only boot signed kernels and drivers.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const { resource, config } of nodeConfigs(ctx)) {
      const flag = config ? nested(config, "shielded_instance_config")[0]?.enable_secure_boot : undefined;
      if (!notTrue(flag)) continue;
      // CKV_GCP_68 does not judge a resource without node_config.
      hits.push(
        hitWith(resource, config ? ["CKV_GCP_68"] : [], "shielded_instance_config.enable_secure_boot is not true (off by default): rootkits can load at boot."),
      );
    }
    return hits;
  },
};

export const gkeNetworkPolicy: Rule = {
  id: "GCP_GKE_NETWORK_POLICY",
  title: "GKE cluster does not enforce Kubernetes network policies",
  severity: "medium",
  aliases: ["CKV_GCP_12", "GCP-0056"],
  target: "terraform",
  remediation:
    'Set datapath_provider = "ADVANCED_DATAPATH" (GKE Dataplane V2, which enforces network policies) or network_policy { enabled = true }, then write NetworkPolicies.',
  check(ctx) {
    return clusters(ctx)
      .filter((cluster) => !autopilot(cluster))
      .filter((cluster) => {
        const datapath = upper(cluster.attributes.datapath_provider);
        if (datapath === "ADVANCED_DATAPATH" || datapath === UNKNOWN) return false;
        return nested(cluster.attributes, "network_policy").every((policy) => notTrue(policy.enabled));
      })
      .map((cluster) =>
        hit(cluster, "Neither network_policy nor Dataplane V2 is enabled: NetworkPolicy objects are ignored and every pod can reach every other."),
      );
  },
};

export const gkeLegacyAbac: Rule = {
  id: "GCP_GKE_LEGACY_ABAC",
  title: "GKE cluster has legacy ABAC authorization enabled",
  severity: "high",
  aliases: ["CKV_GCP_7", "GCP-0062"],
  target: "terraform",
  remediation: "Remove enable_legacy_abac = true (the default is false) and grant access with Kubernetes RBAC.",
  check(ctx) {
    return mustNotBeTrue(ctx, "enable_legacy_abac", "enable_legacy_abac = true: ABAC grants broad static permissions that RBAC cannot restrict.");
  },
};

export const gkeLegacyClientAuth: Rule = {
  id: "GCP_GKE_LEGACY_CLIENT_AUTH",
  title: "GKE cluster issues client certificates or allows basic authentication",
  severity: "high",
  aliases: ["CKV_GCP_13", "CKV_GCP_19", "GCP-0064"],
  target: "terraform",
  remediation: "Remove master_auth.client_certificate_config.issue_client_certificate = true and any username/password; authenticate with Google identities.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const cluster of clusters(ctx)) {
      for (const auth of nested(cluster.attributes, "master_auth")) {
        for (const certificate of nested(auth, "client_certificate_config")) {
          const value = certificate.issue_client_certificate;
          if (bool(value) === true) {
            hits.push(
              hitWith(cluster, ["CKV_GCP_13", "GCP-0064"], "issue_client_certificate = true: a long-lived admin certificate that cannot be revoked is issued."),
            );
          } else if (unresolvedInput(value)) {
            hits.push(cannotVerify(cluster, "issue_client_certificate", value, ["CKV_GCP_13", "GCP-0064"]));
          }
        }
        const username = str(auth.username);
        if (username !== undefined && username !== UNKNOWN && username !== "") {
          hits.push(hitWith(cluster, ["CKV_GCP_19", "GCP-0064"], `master_auth sets username "${username}": basic authentication with a static password.`));
        }
      }
    }
    return hits;
  },
};

export const gkeReleaseChannel: Rule = {
  id: "GCP_GKE_RELEASE_CHANNEL",
  title: "GKE cluster is not enrolled in a release channel",
  severity: "low",
  aliases: ["CKV_GCP_70"],
  target: "terraform",
  remediation: 'Add release_channel { channel = "REGULAR" } (or "STABLE") so GKE keeps the control plane and nodes on supported, patched versions.',
  check(ctx) {
    const hits: RuleHit[] = [];
    // Autopilot clusters are always enrolled in a channel (REGULAR when none is named).
    for (const cluster of clusters(ctx).filter((c) => !autopilot(c))) {
      const channels = nested(cluster.attributes, "release_channel").map((block) => upper(block.channel));
      if (channels.some((channel) => channel === UNKNOWN || (channel !== undefined && channel !== "UNSPECIFIED"))) continue;
      // CKV_GCP_70 asks for any channel value, so "UNSPECIFIED" (no channel) passes it.
      const unspecified = channels.includes("UNSPECIFIED");
      const why = unspecified ? 'release_channel.channel = "UNSPECIFIED"' : "No release_channel.channel";
      hits.push(hitWith(cluster, unspecified ? [] : ["CKV_GCP_70"], `${why}: versions are not managed by a channel and can fall out of support.`));
    }
    return hits;
  },
};

/** Node pool management flags (both default to true) and the checks about each. */
const MANAGEMENT_FLAGS: Record<string, readonly string[]> = {
  auto_repair: ["CKV_GCP_9", "GCP-0063"],
  auto_upgrade: ["CKV_GCP_10", "GCP-0058"],
};

export const gkeNodeAutoManagement: Rule = {
  id: "GCP_GKE_NODE_AUTO_MANAGEMENT",
  title: "GKE node pool has auto-repair or auto-upgrade turned off",
  severity: "low",
  aliases: Object.values(MANAGEMENT_FLAGS).flat(),
  target: "terraform",
  remediation:
    "Remove management { auto_repair = false / auto_upgrade = false } (both default to true) so broken nodes are replaced and nodes get security patches.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const pool of nodePools(ctx)) {
      for (const management of nested(pool.attributes, "management")) {
        for (const [flag, aliases] of Object.entries(MANAGEMENT_FLAGS)) {
          if (explicitlyFalse(management[flag]))
            hits.push(hitWith(pool, aliases, `management.${flag} = false: nodes are not ${flag === "auto_repair" ? "repaired" : "upgraded"} automatically.`));
        }
      }
    }
    return hits;
  },
};

/** Cluster attributes that can turn off Cloud Logging / Monitoring, and the checks about each. */
const OBSERVABILITY: Record<string, readonly string[]> = {
  logging_service: ["CKV_GCP_1", "GCP-0060"],
  monitoring_service: ["CKV_GCP_8", "GCP-0052"],
};

export const gkeLoggingMonitoring: Rule = {
  id: "GCP_GKE_LOGGING_MONITORING",
  title: "GKE cluster has Cloud Logging or Cloud Monitoring turned off",
  severity: "low",
  aliases: Object.values(OBSERVABILITY).flat(),
  target: "terraform",
  remediation:
    'Remove logging_service = "none" / monitoring_service = "none" (the defaults are logging.googleapis.com/kubernetes and monitoring.googleapis.com/kubernetes).',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const cluster of clusters(ctx)) {
      for (const [attribute, aliases] of Object.entries(OBSERVABILITY)) {
        if (str(cluster.attributes[attribute]) === "none")
          hits.push(hitWith(cluster, aliases, `${attribute} = "none": no cluster ${attribute.split("_")[0]} data is kept.`));
      }
    }
    return hits;
  },
};

/** Container-Optimized OS image types (`COS_CONTAINERD`, and the retired Docker-based `COS`). */
const COS_IMAGES = new Set(["COS", "COS_CONTAINERD"]);

export const gkeNodeImage: Rule = {
  id: "GCP_GKE_NODE_IMAGE",
  title: "GKE nodes do not run Container-Optimized OS",
  severity: "low",
  aliases: ["CKV_GCP_22", "GCP-0054"],
  target: "terraform",
  remediation: 'Set node_config.image_type = "COS_CONTAINERD" (the default): a minimal, read-only OS that Google hardens and patches.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const { resource, config } of nodeConfigs(ctx)) {
      const image = upper(config?.image_type);
      // Absent means the GKE default, COS_CONTAINERD.
      if (image === undefined || image === UNKNOWN || image === "" || COS_IMAGES.has(image)) continue;
      // CKV_GCP_22 reads node pools only.
      const aliases = resource.type === "google_container_node_pool" ? ["CKV_GCP_22", "GCP-0054"] : ["GCP-0054"];
      hits.push(hitWith(resource, aliases, `image_type = "${image}": a general-purpose OS with a larger attack surface than Container-Optimized OS.`));
    }
    return hits;
  },
};

/**
 * True for the Compute Engine default service account: its address
 * (`<number>-compute@developer.gserviceaccount.com`), or "default", which the plan JSON shows
 * for a node config that names none.
 */
function defaultComputeAccount(value: unknown): boolean {
  return typeof value === "string" && (value === "default" || value.endsWith("-compute@developer.gserviceaccount.com"));
}

export const gkeNodeServiceAccount: Rule = {
  id: "GCP_GKE_NODE_SERVICE_ACCOUNT",
  title: "GKE nodes run as the Compute Engine default service account",
  severity: "medium",
  aliases: ["GCP-0050"],
  target: "terraform",
  remediation:
    "Set node_config.service_account to a dedicated service account holding only roles/container.defaultNodeServiceAccount (logging, monitoring, image pulls).",
  check(ctx) {
    const hits: RuleHit[] = [];
    const report = (resource: TerraformResource, where: string, account: unknown) => {
      if (defaultComputeAccount(account)) {
        // Set, but to the default account: GCP-0050 only looks for an empty value.
        hits.push(hitWith(resource, [], `${where} is the Compute Engine default service account, which is granted the Editor role on the project by default.`));
      } else if (absent(account)) {
        hits.push(hit(resource, `${where} is not set: nodes use the Compute Engine default service account, which is granted the Editor role by default.`));
      }
    };
    for (const cluster of clusters(ctx)) {
      const autoscaling = nested(cluster.attributes, "cluster_autoscaling")[0];
      if (autopilot(cluster) || bool(autoscaling?.enabled) === true) {
        const defaults = autoscaling ? nested(autoscaling, "auto_provisioning_defaults")[0] : undefined;
        report(cluster, "cluster_autoscaling.auto_provisioning_defaults.service_account", defaults?.service_account);
      } else if (keepsDefaultPool(cluster)) {
        report(cluster, "node_config.service_account", nodeConfigOf(cluster)?.service_account);
      }
    }
    for (const pool of nodePools(ctx)) {
      const cluster = clusterOf(ctx, pool);
      if (cluster && autopilot(cluster)) continue;
      report(pool, "node_config.service_account", nodeConfigOf(pool)?.service_account);
    }
    return hits;
  },
};

export const gkeMetadataServer: Rule = {
  id: "GCP_GKE_METADATA_SERVER",
  title: "GKE nodes expose the Compute Engine metadata server to pods",
  severity: "medium",
  aliases: ["CKV_GCP_69"],
  target: "terraform",
  remediation:
    'Set node_config.workload_metadata_config { mode = "GKE_METADATA" } (with Workload Identity) so pods cannot read the node\'s credentials from the metadata server.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const { resource, config } of nodeConfigs(ctx)) {
      for (const metadata of config ? nested(config, "workload_metadata_config") : []) {
        const mode = upper(metadata.mode);
        if (mode === "GCE_METADATA")
          hits.push(hit(resource, 'workload_metadata_config.mode = "GCE_METADATA": pods can fetch the node service account\'s tokens.'));
      }
    }
    return hits;
  },
};

export const gkeLegacyMetadataEndpoints: Rule = {
  id: "GCP_GKE_LEGACY_METADATA_ENDPOINTS",
  title: "GKE nodes re-enable the legacy metadata endpoints",
  severity: "high",
  aliases: ["GCP-0048"],
  target: "terraform",
  remediation:
    'Remove "disable-legacy-endpoints" = "false" from node_config.metadata: the v0.1 and v1beta1 endpoints answer without the Metadata-Flavor header.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const { resource, config } of nodeConfigs(ctx)) {
      const metadata = config?.metadata;
      if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) continue;
      const value = (metadata as Attrs)["disable-legacy-endpoints"];
      if (bool(value) === false) {
        // GCP-0048 reads node pools only when the cluster removed its default pool.
        const cluster = resource.type === "google_container_node_pool" ? clusterOf(ctx, resource) : undefined;
        const trivy = resource.type === "google_container_cluster" || (cluster !== undefined && !keepsDefaultPool(cluster) && !autopilot(cluster));
        hits.push(
          hitWith(
            resource,
            trivy ? ["GCP-0048"] : [],
            '"disable-legacy-endpoints" = "false": a server-side request forgery in a pod can read instance metadata.',
          ),
        );
      } else if (unresolvedInput(value)) {
        hits.push(cannotVerify(resource, "metadata.disable-legacy-endpoints", value, []));
      }
    }
    return hits;
  },
};

/** GKE rules. */
export const gcpGkeRules: Rule[] = [
  gkePrivateNodes,
  gkeMasterAuthorizedNetworks,
  gkeWorkloadIdentity,
  gkeShieldedNodes,
  gkeSecureBoot,
  gkeNetworkPolicy,
  gkeLegacyAbac,
  gkeLegacyClientAuth,
  gkeReleaseChannel,
  gkeNodeAutoManagement,
  gkeLoggingMonitoring,
  gkeNodeImage,
  gkeNodeServiceAccount,
  gkeMetadataServer,
  gkeLegacyMetadataEndpoints,
];
