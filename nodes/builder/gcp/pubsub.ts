import { block, type HclBlock, interpolate, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { PUBSUB_AGENT, pushTarget, runAddress, serviceAccount, subscriptionAddress, subscriptionName, topicAddress, topicName } from "./addresses.js";
import { APIS, output } from "./base.js";
import { type GcpContext, type GcpSection, nameWith } from "./context.js";
import { keyGrant, kmsKey } from "./kms.js";

type Queue = GcpContext["plan"]["queues"][number];

/** Pub/Sub accepts ack deadlines of 10 to 600 seconds. */
export function ackDeadline(queue: Queue): number {
  return Math.min(600, Math.max(10, queue.visibility_timeout_s));
}

/** Pub/Sub accepts 5 to 100 delivery attempts before dead-lettering. */
export function maxDeliveryAttempts(queue: Queue): number {
  return Math.min(100, Math.max(5, queue.max_receive_count));
}

/** Seven days: how long undelivered messages (and dead letters) are kept. */
const RETENTION = "604800s";

/**
 * One queue: a topic, a dead-letter topic with its own pull subscription (so dead letters are
 * kept, not dropped), and the subscription the workload consumes. With a push target the
 * subscription pushes to the Cloud Run worker with an OIDC token of a dedicated invoker service
 * account, POSTing to the root path of the service's URL (the worker's ingress stays internal:
 * Pub/Sub in the same project counts as internal);
 * otherwise the workload pulls. The ack deadline is the plan's visibility timeout, messages go
 * to the dead-letter topic after `max_receive_count` deliveries (both within Pub/Sub's bounds).
 * FIFO queues become ordered delivery (publishers must set ordering keys).
 */
function queueBlocks(ctx: GcpContext, queue: Queue): HclBlock[] {
  const owner = ctx.component(["pubsub"], queue.id);
  const name = tfName(queue.id);
  const target = pushTarget(ctx);
  return [
    ctx.resource("google_pubsub_topic", name, owner, {
      name: topicName(ctx, queue),
      message_retention_duration: RETENTION,
      kms_key_name: kmsKey(ctx),
      depends_on: [ref(APIS), ...keyGrant(ctx, "pubsub")],
    }),
    ctx.resource("google_pubsub_topic", `${name}_dead_letter`, owner, {
      name: topicName(ctx, queue, true),
      message_retention_duration: RETENTION,
      kms_key_name: kmsKey(ctx),
      depends_on: [ref(APIS), ...keyGrant(ctx, "pubsub")],
    }),
    ctx.resource("google_pubsub_subscription", name, owner, {
      name: subscriptionName(ctx, queue),
      topic: ref(`${topicAddress(queue)}.id`),
      ack_deadline_seconds: ackDeadline(queue),
      message_retention_duration: RETENTION,
      enable_message_ordering: queue.fifo,
      expiration_policy: block({ ttl: "" }),
      retry_policy: block({ minimum_backoff: "10s", maximum_backoff: "600s" }),
      dead_letter_policy: block({ dead_letter_topic: ref(`${topicAddress(queue, true)}.id`), max_delivery_attempts: maxDeliveryAttempts(queue) }),
      push_config: target
        ? block({
            push_endpoint: ref(`${runAddress(target)}.uri`),
            oidc_token: block({ service_account_email: ref(`${serviceAccount("pubsub_invoker")}.email`), audience: ref(`${runAddress(target)}.uri`) }),
          })
        : undefined,
    }),
    ctx.resource("google_pubsub_subscription", `${name}_dead_letter`, owner, {
      name: subscriptionName(ctx, queue, true),
      topic: ref(`${topicAddress(queue, true)}.id`),
      ack_deadline_seconds: 60,
      message_retention_duration: RETENTION,
      expiration_policy: block({ ttl: "" }),
    }),
    // Dead-lettering runs as the Pub/Sub service agent: it publishes to the dead-letter topic and acknowledges on the source subscription.
    ctx.resource("google_pubsub_topic_iam_member", `${name}_dead_letter_publisher`, owner, {
      topic: ref(`${topicAddress(queue, true)}.name`),
      role: "roles/pubsub.publisher",
      member: PUBSUB_AGENT,
    }),
    ctx.resource("google_pubsub_subscription_iam_member", `${name}_dead_letter_subscriber`, owner, {
      subscription: ref(`${subscriptionAddress(queue)}.name`),
      role: "roles/pubsub.subscriber",
      member: PUBSUB_AGENT,
    }),
  ];
}

/**
 * pubsub.tf: the plan's queues as Pub/Sub topics and subscriptions, and for push delivery the
 * invoker service account: it may invoke the worker and nothing else, and the Pub/Sub service
 * agent may mint its tokens (needed in projects created before April 2021, harmless after).
 */
export function renderPubsub(ctx: GcpContext): GcpSection[] {
  const { queues } = ctx.plan;
  if (queues.length === 0) return [];
  const owner = ctx.component(["pubsub"]);
  const blocks = queues.flatMap((queue) => queueBlocks(ctx, queue));
  const target = pushTarget(ctx);
  if (target) {
    blocks.push(
      ctx.resource("google_service_account", "pubsub_invoker", owner, {
        account_id: nameWith(ctx, 30, "push"),
        display_name: `${ctx.plan.goal_name} ${ctx.plan.environment} Pub/Sub push`,
        description: `Signs Pub/Sub pushes to ${target.id}; may invoke that service only`,
      }),
      ctx.resource("google_cloud_run_v2_service_iam_member", "pubsub_invoker", owner, {
        location: ref(`${runAddress(target)}.location`),
        name: ref(`${runAddress(target)}.name`),
        role: "roles/run.invoker",
        member: interpolate("serviceAccount:", ref(`${serviceAccount("pubsub_invoker")}.email`)),
      }),
      ctx.resource("google_service_account_iam_member", "pubsub_token_creator", owner, {
        service_account_id: ref(`${serviceAccount("pubsub_invoker")}.name`),
        role: "roles/iam.serviceAccountTokenCreator",
        member: PUBSUB_AGENT,
      }),
    );
  }
  const outputs = queues.flatMap((q) => [
    output(`topic_${tfName(q.id)}_id`, `Publish ${q.id} messages here`, ref(`${topicAddress(q)}.id`)),
    output(
      `dead_letter_${tfName(q.id)}_subscription`,
      `Messages of ${q.id} that failed ${maxDeliveryAttempts(q)} deliveries`,
      ref(`${subscriptionAddress(q, true)}.id`),
    ),
  ]);
  return [
    { file: "pubsub.tf", blocks },
    { file: "outputs.tf", blocks: outputs },
  ];
}
