import type { Rule, RuleHit } from "../types.js";
import { absent, notTrue, upper } from "./gcp-common.js";
import { hit, ofType, UNKNOWN } from "./helpers/terraform.js";

// Check ids: Checkov MemorystoreForRedisAuthEnabled (CKV_GCP_95), MemorystoreForRedisInTransitEncryption
// (CKV_GCP_97) and CloudPubSubEncryptedWithCMK (CKV_GCP_83), bridgecrewio/checkov checks/resource/gcp.

export const redisAuth: Rule = {
  id: "GCP_REDIS_AUTH",
  title: "Memorystore for Redis instance does not require AUTH",
  severity: "medium",
  aliases: ["CKV_GCP_95"],
  target: "terraform",
  remediation: "Set auth_enabled = true and have clients read the AUTH string (auth_string output) from Secret Manager.",
  check(ctx) {
    return ofType(ctx, "google_redis_instance")
      .filter((redis) => notTrue(redis.attributes.auth_enabled))
      .map((redis) => hit(redis, "auth_enabled is not true (off by default): anything that reaches the instance's IP can read and write every key."));
  },
};

export const redisTransitEncryption: Rule = {
  id: "GCP_REDIS_TRANSIT_ENCRYPTION",
  title: "Memorystore for Redis instance does not encrypt traffic in transit",
  severity: "medium",
  aliases: ["CKV_GCP_97"],
  target: "terraform",
  remediation: 'Set transit_encryption_mode = "SERVER_AUTHENTICATION" (TLS) and give clients the instance\'s server CA certificates.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const redis of ofType(ctx, "google_redis_instance")) {
      const mode = upper(redis.attributes.transit_encryption_mode);
      if (mode === UNKNOWN || mode === "SERVER_AUTHENTICATION") continue;
      const why = mode === undefined ? "transit_encryption_mode is not set (DISABLED by default)" : `transit_encryption_mode = "${mode}"`;
      hits.push(hit(redis, `${why}: keys, values and the AUTH string cross the network in clear text.`));
    }
    return hits;
  },
};

export const redisHighAvailabilityProd: Rule = {
  id: "GCP_REDIS_HIGH_AVAILABILITY_PROD",
  title: "Production Memorystore for Redis instance has no replica",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation: 'Set tier = "STANDARD_HA" so a replica in another zone is promoted automatically when the primary fails.',
  check(ctx) {
    if (ctx.environment !== "prod") return [];
    const hits: RuleHit[] = [];
    for (const redis of ofType(ctx, "google_redis_instance")) {
      const tier = upper(redis.attributes.tier);
      if (tier === UNKNOWN || tier === "STANDARD_HA") continue;
      const why = tier === undefined ? "tier is not set (BASIC by default)" : `tier = "${tier}"`;
      hits.push(hit(redis, `${why}: a single node, so a zone outage or maintenance loses the cache and its data.`));
    }
    return hits;
  },
};

export const pubsubCmek: Rule = {
  id: "GCP_PUBSUB_CMEK",
  title: "Pub/Sub topic is not encrypted with a customer-managed key",
  severity: "info",
  aliases: ["CKV_GCP_83"],
  target: "terraform",
  remediation: "Set kms_key_name to a Cloud KMS key (granting the Pub/Sub service agent roles/cloudkms.cryptoKeyEncrypterDecrypter on it).",
  check(ctx) {
    return ofType(ctx, "google_pubsub_topic")
      .filter((topic) => absent(topic.attributes.kms_key_name))
      .map((topic) => hit(topic, "No kms_key_name: messages are encrypted with Google-managed keys you cannot rotate or revoke."));
  },
};

/** Memorystore and Pub/Sub rules. */
export const gcpDataRules: Rule[] = [redisAuth, redisTransitEncryption, redisHighAvailabilityProd, pubsubCmek];
