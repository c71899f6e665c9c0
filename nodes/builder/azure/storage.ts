import { block, type HclBlock, ref } from "../hcl.js";
import { awsName, tfName } from "../labels.js";
import { type AzureContext, PLACEMENT, premiumServiceBus } from "./context.js";
import { customerManagedKey, DATA_KEY, KEY_USER } from "./security.js";
import { type AzureSection, PRIVATE_LINK_ZONES, privateDnsZone, privateEndpoint, zoneName } from "./shared.js";

type Bucket = AzureContext["plan"]["buckets"][number];
type Queue = AzureContext["plan"]["queues"][number];

/** Longest peek-lock Service Bus allows, in seconds (5 minutes; learn.microsoft.com "Service Bus quotas"). */
export const MAX_LOCK_SECONDS = 300;

/** Terraform address of a bucket's storage account. */
export function storageAddress(bucket: Bucket): string {
  return `azurerm_storage_account.${tfName(bucket.id)}`;
}

/** The bucket that holds the static site, if any (served through Front Door). */
export function siteBucket(ctx: AzureContext): Bucket | undefined {
  return ctx.plan.buckets.find((b) => b.public_website);
}

/**
 * One storage account per bucket: HTTPS only, TLS 1.2, no public blobs, no shared keys (Entra ID
 * only), infrastructure encryption, zone-redundant in prod, soft delete for blobs and containers.
 * A data bucket is reached only through its private endpoint; a static site is the account's
 * static website, served through Front Door (its web endpoint is the origin, no container is public).
 */
function storageAccount(ctx: AzureContext, bucket: Bucket, index: number): HclBlock[] {
  const owner = ctx.component(["azure-storage"], { id: bucket.id, index });
  const name = tfName(bucket.id);
  const cmk = customerManagedKey(ctx);
  const blocks: HclBlock[] = [
    ctx.resource("azurerm_storage_account", name, owner, {
      name: ctx.globalName({ max: 24, suffix: `storage-${bucket.id}`, alphanumeric: true, lead: "st" }),
      ...PLACEMENT,
      account_kind: "StorageV2",
      account_tier: "Standard",
      account_replication_type: ctx.prod ? "ZRS" : "LRS",
      https_traffic_only_enabled: true,
      min_tls_version: "TLS1_2",
      allow_nested_items_to_be_public: false,
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      infrastructure_encryption_enabled: true,
      public_network_access_enabled: bucket.public_website,
      identity: cmk ? block({ type: "UserAssigned", identity_ids: [ref(`${KEY_USER}.id`)] }) : undefined,
      customer_managed_key: cmk ? block({ key_vault_key_id: ref(`${DATA_KEY}.versionless_id`), user_assigned_identity_id: ref(`${KEY_USER}.id`) }) : undefined,
      blob_properties: block({
        versioning_enabled: bucket.versioning,
        delete_retention_policy: block({ days: 7 }),
        container_delete_retention_policy: block({ days: 7 }),
      }),
      depends_on: cmk ? [ref("azurerm_role_assignment.data_encryption_key_user")] : undefined,
    }),
  ];
  if (bucket.public_website) {
    blocks.push(
      ctx.resource("azurerm_storage_account_static_website", name, owner, {
        storage_account_id: ref(`${storageAddress(bucket)}.id`),
        index_document: "index.html",
        error_404_document: "404.html",
      }),
    );
  } else {
    blocks.push(
      ctx.resource("azurerm_storage_container", name, owner, {
        name: awsName(63, bucket.id),
        storage_account_id: ref(`${storageAddress(bucket)}.id`),
        container_access_type: "private",
      }),
      privateEndpoint(ctx, `blob_${name}`, owner, ref(`${storageAddress(bucket)}.id`), "blob"),
    );
  }
  return blocks;
}

/** A queue's peek-lock in ISO 8601 (`PT60S`), capped at what Service Bus allows. */
export function lockDuration(queue: Queue): string {
  return `PT${Math.min(MAX_LOCK_SECONDS, Math.max(5, queue.visibility_timeout_s))}S`;
}

/**
 * A Service Bus namespace (Standard; Premium when the plan's component says so, then reached only
 * through a private endpoint), Entra ID only (local SAS auth off), TLS 1.2; one queue per plan
 * queue, dead-lettering after `max_receive_count` deliveries and on expiry, sessions for FIFO.
 */
function serviceBus(ctx: AzureContext): { blocks: HclBlock[]; notes: string[] } {
  const owner = ctx.component(["azure-service-bus"]);
  const premium = premiumServiceBus(ctx.plan);
  const notes: string[] = [];
  const blocks: HclBlock[] = [
    ctx.resource("azurerm_servicebus_namespace", "main", owner, {
      name: ctx.globalName({ max: 50, suffix: "servicebus", lead: "sb" }),
      ...PLACEMENT,
      sku: premium ? "Premium" : "Standard",
      capacity: premium ? 1 : undefined,
      premium_messaging_partitions: premium ? 1 : undefined,
      local_auth_enabled: false,
      minimum_tls_version: "1.2",
      public_network_access_enabled: !premium,
    }),
  ];
  ctx.plan.queues.forEach((queue) => {
    if (queue.visibility_timeout_s > MAX_LOCK_SECONDS) {
      notes.push(
        `queue ${queue.id}: visibility_timeout_s ${queue.visibility_timeout_s} exceeds the Service Bus lock limit; lock_duration is ${lockDuration(queue)}`,
      );
    }
    blocks.push(
      ctx.resource("azurerm_servicebus_queue", tfName(queue.id), owner, {
        name: awsName(260, queue.id),
        namespace_id: ref("azurerm_servicebus_namespace.main.id"),
        lock_duration: lockDuration(queue),
        max_delivery_count: queue.max_receive_count,
        dead_lettering_on_message_expiration: true,
        requires_session: queue.fifo,
      }),
    );
  });
  if (premium) {
    blocks.push(
      ...privateDnsZone(ctx, zoneName("namespace"), PRIVATE_LINK_ZONES.namespace, owner),
      privateEndpoint(ctx, "servicebus", owner, ref("azurerm_servicebus_namespace.main.id"), "namespace"),
    );
  } else {
    notes.push("Service Bus Standard has no private endpoints or network rules: clients reach it over TLS with Entra ID tokens only (local auth off).");
  }
  return { blocks, notes };
}

/** storage.tf: storage accounts (with the blob private DNS zone) and the Service Bus namespace and queues. */
export function renderStorage(ctx: AzureContext): AzureSection[] {
  const { buckets, queues } = ctx.plan;
  const blocks: HclBlock[] = [];
  const notes: string[] = [];
  if (buckets.some((b) => !b.public_website)) {
    blocks.push(...privateDnsZone(ctx, zoneName("blob"), PRIVATE_LINK_ZONES.blob, ctx.component(["azure-storage"])));
  }
  buckets.forEach((bucket, index) => {
    blocks.push(...storageAccount(ctx, bucket, index));
  });
  if (queues.length > 0) {
    const bus = serviceBus(ctx);
    blocks.push(...bus.blocks);
    notes.push(...bus.notes);
  }
  return blocks.length > 0 ? [{ file: "storage.tf", blocks, notes }] : [];
}
