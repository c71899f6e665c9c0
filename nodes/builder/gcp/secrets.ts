import { block, type HclBlock, type HclNested, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { REGISTRY, secretAddress, serviceAccount } from "./addresses.js";
import { APIS, output } from "./base.js";
import { type GcpContext, type GcpSection, nameWith } from "./context.js";
import { keyGrant, kmsKey } from "./kms.js";

/**
 * Where a secret's versions are kept: replicated automatically by Google, or, with a
 * customer-managed key, in the plan's region only (the key is regional; automatic replication
 * would need a global key), encrypted with that key.
 */
export function secretReplication(ctx: GcpContext): HclNested {
  const key = kmsKey(ctx);
  if (!key) return block({ auto: block({}) });
  return block({
    user_managed: block({ replicas: block({ location: ctx.plan.region, customer_managed_encryption: block({ kms_key_name: key }) }) }),
  });
}

/**
 * secrets.tf: a Secret Manager secret per plan secret, automatically replicated and encrypted
 * with Google-managed keys. No value is written: an operator adds the first version
 * (`gcloud secrets versions add`), and the workload reads it through the API with its own
 * service account (the secret's id arrives as `SECRET_<NAME>_ID`), so a missing version cannot
 * stop a deploy. Generated credentials (database passwords, Redis AUTH) live in data.tf.
 */
export function renderSecrets(ctx: GcpContext): GcpSection[] {
  const owner = ctx.component(["secret-manager"]);
  const blocks = ctx.plan.security.secrets.map((secret) =>
    ctx.resource("google_secret_manager_secret", tfName(secret.name), owner, {
      secret_id: nameWith(ctx, 255, secret.name),
      annotations: { purpose: secret.purpose },
      replication: secretReplication(ctx),
      depends_on: [ref(APIS), ...keyGrant(ctx, "secretmanager")],
    }),
  );
  const outputs = ctx.plan.security.secrets.map((secret) =>
    output(
      `secret_${tfName(secret.name)}_id`,
      `Add the value of ${secret.name} here (gcloud secrets versions add)`,
      ref(`${secretAddress(secret.name)}.secret_id`),
    ),
  );
  return blocks.length > 0
    ? [
        { file: "secrets.tf", blocks },
        { file: "outputs.tf", blocks: outputs },
      ]
    : [];
}

/**
 * registry.tf: the Docker repository of the workload images. Tags are immutable in prod (a tag
 * always names the image that was reviewed); untagged images are cleaned up after 30 days. GKE
 * nodes pull with their own service account, which gets read access here; Cloud Run pulls with
 * its service agent, which can read repositories of its own project.
 */
export function renderRegistry(ctx: GcpContext): GcpSection[] {
  if (ctx.workloads.length === 0) return [];
  const owner = ctx.component(["artifact-registry"]);
  const blocks: HclBlock[] = [
    ctx.resource("google_artifact_registry_repository", "app", owner, {
      location: ctx.plan.region,
      repository_id: nameWith(ctx, 63, "images"),
      description: `Images of ${ctx.plan.goal_name} (${ctx.plan.environment})`,
      format: "DOCKER",
      docker_config: block({ immutable_tags: ctx.prod }),
      kms_key_name: kmsKey(ctx),
      cleanup_policies: block({
        id: "delete-untagged",
        action: "DELETE",
        condition: block({ tag_state: "UNTAGGED", older_than: "2592000s" }),
      }),
      depends_on: [ref(APIS), ...keyGrant(ctx, "artifactregistry")],
    }),
  ];
  if (ctx.gke) {
    blocks.push(
      ctx.resource("google_artifact_registry_repository_iam_member", "gke_nodes_reader", owner, {
        location: ref(`${REGISTRY}.location`),
        repository: ref(`${REGISTRY}.name`),
        role: "roles/artifactregistry.reader",
        member: ref(`"serviceAccount:\${${serviceAccount("gke_nodes")}.email}"`),
      }),
    );
  }
  return [
    { file: "registry.tf", blocks },
    {
      file: "outputs.tf",
      blocks: [
        output(
          "image_repository",
          "Push release images here",
          ref(`"\${${REGISTRY}.location}-docker.pkg.dev/\${var.project_id}/\${${REGISTRY}.repository_id}"`),
        ),
      ],
    },
  ];
}
