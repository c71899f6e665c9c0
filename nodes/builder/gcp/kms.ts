import { type HclBlock, type HclExpr, interpolate, ref } from "../hcl.js";
import { serviceAgent } from "./addresses.js";
import { APIS, output } from "./base.js";
import { type GcpContext, type GcpSection, nameWith } from "./context.js";

/** The design's Cloud KMS key, when the plan asks for customer-managed encryption. */
export const KMS_KEY = "google_kms_crypto_key.main";

/** Google services that encrypt the design's data with the key, each through its service agent. */
type KeyUser = "storage" | "pubsub" | "sqladmin" | "secretmanager" | "artifactregistry" | "redis" | "container" | "compute";

/** Agents created on request with `google_project_service_identity` (google-beta): they may not exist before. */
const IDENTITY_SERVICES: Partial<Record<KeyUser, string>> = {
  pubsub: "pubsub.googleapis.com",
  sqladmin: "sqladmin.googleapis.com",
  secretmanager: "secretmanager.googleapis.com",
  artifactregistry: "artifactregistry.googleapis.com",
  redis: "redis.googleapis.com",
};

/** The services of this design that store data under the key. */
export function keyUsers(ctx: GcpContext): KeyUser[] {
  const { plan } = ctx;
  const users: KeyUser[] = [];
  if (plan.buckets.length > 0) users.push("storage");
  if (plan.queues.length > 0) users.push("pubsub");
  if (plan.databases.length > 0) users.push("sqladmin");
  if (plan.security.secrets.length > 0 || plan.databases.length > 0 || plan.caches.length > 0) users.push("secretmanager");
  if (ctx.workloads.length > 0) users.push("artifactregistry");
  if (plan.caches.length > 0) users.push("redis");
  if (ctx.gke) users.push("container", "compute");
  return users;
}

/** The key's id for a `kms_key_name`-style argument, or undefined (Google-managed encryption). */
export function kmsKey(ctx: GcpContext): HclExpr | undefined {
  return ctx.cmk ? ref(`${KMS_KEY}.id`) : undefined;
}

/** What a resource encrypted with the key must wait for: its service agent's permission on the key. */
export function keyGrant(ctx: GcpContext, user: KeyUser): HclExpr[] {
  return ctx.cmk ? [ref(`google_kms_crypto_key_iam_member.${user}`)] : [];
}

/** The IAM member of a service's agent. */
function agentMember(user: KeyUser): HclExpr {
  if (IDENTITY_SERVICES[user]) return interpolate("serviceAccount:", ref(`google_project_service_identity.${user}.email`));
  if (user === "storage") return interpolate("serviceAccount:", ref("data.google_storage_project_service_account.gcs.email_address"));
  if (user === "container") return serviceAgent("container-engine-robot.iam.gserviceaccount.com");
  return serviceAgent("compute-system.iam.gserviceaccount.com");
}

/**
 * kms.tf (customer-managed encryption only): a key ring in the plan's region and one symmetric key
 * rotated every 90 days and protected from `terraform destroy` (data encrypted with a destroyed key
 * is lost). Each Google service that stores the design's data gets encrypt/decrypt on that key
 * and nothing else, through its service agent; agents that exist only on request are created
 * with `google_project_service_identity` (google-beta provider). Cloud Run keeps no data of its
 * own at rest, and logs stay in the project's `_Default` bucket with Google-managed keys.
 */
export function renderKms(ctx: GcpContext): GcpSection[] {
  if (!ctx.cmk) return [];
  const owner = ctx.component(["secret-manager"]);
  const blocks: HclBlock[] = [
    ctx.resource("google_kms_key_ring", "main", owner, { name: nameWith(ctx, 63, "keys"), location: ctx.plan.region, depends_on: [ref(APIS)] }),
    ctx.resource("google_kms_crypto_key", "main", owner, {
      name: nameWith(ctx, 63, "data"),
      key_ring: ref("google_kms_key_ring.main.id"),
      purpose: "ENCRYPT_DECRYPT",
      rotation_period: "7776000s",
      lifecycle: { nested: { prevent_destroy: true } },
    }),
  ];
  const users = keyUsers(ctx);
  for (const user of users) {
    const service = IDENTITY_SERVICES[user];
    if (service) {
      blocks.push(
        ctx.resource("google_project_service_identity", user, owner, {
          provider: ref("google-beta"),
          project: ref("var.project_id"),
          service,
          depends_on: [ref(APIS)],
        }),
      );
    }
    blocks.push(
      ctx.resource("google_kms_crypto_key_iam_member", user, owner, {
        crypto_key_id: ref(`${KMS_KEY}.id`),
        role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        member: agentMember(user),
      }),
    );
  }
  if (users.includes("storage"))
    blocks.push({ type: "data", labels: ["google_storage_project_service_account", "gcs"], body: { project: ref("var.project_id") } });
  return [
    { file: "kms.tf", blocks },
    { file: "outputs.tf", blocks: [output("kms_key_id", "Customer-managed key of the design's data", ref(`${KMS_KEY}.id`))] },
  ];
}
