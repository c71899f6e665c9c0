import { block, type HclBlock, type HclBody, type HclValue, ref } from "../hcl.js";
import type { GcpContext, GcpSection } from "./context.js";

/** The Terraform address every resource that calls a Google API waits for. */
export const APIS = "google_project_service.apis";

/** versions.tf: Terraform 1.6+, the google provider 6.x and random (the database password). */
export function renderVersions(ctx: GcpContext): GcpSection[] {
  const providers: Record<string, HclValue> = { google: { source: "hashicorp/google", version: "~> 6.0" } };
  if (ctx.plan.databases.length > 0) providers.random = { source: "hashicorp/random", version: "~> 3.6" };
  if (ctx.cmk) providers["google-beta"] = { source: "hashicorp/google-beta", version: "~> 6.0" };
  const terraform: HclBlock = { type: "terraform", labels: [], body: { required_version: ">= 1.6", required_providers: block(providers) } };
  return [{ file: "versions.tf", blocks: [terraform] }];
}

/**
 * providers.tf: the google provider in the plan's region for `var.project_id`, with the trace
 * labels as default labels (credentials come from the environment, never from files), and the
 * project's number (service agent addresses are built from it).
 */
export function renderProviders(ctx: GcpContext): GcpSection[] {
  const { atlas_component: _component, ...defaults } = ctx.labels("");
  const settings = { project: ref("var.project_id"), region: ctx.plan.region, default_labels: defaults };
  const blocks: HclBlock[] = [{ type: "provider", labels: ["google"], body: settings }];
  if (ctx.cmk)
    blocks.push({
      type: "provider",
      labels: ["google-beta"],
      body: settings,
      comment: ["Creates the service agents that use the customer-managed key (kms.tf)."],
    });
  blocks.push({ type: "data", labels: ["google_project", "current"], body: { project_id: ref("var.project_id") } });
  return [{ file: "providers.tf", blocks }];
}

/** A `variable` block. */
export function variable(name: string, body: HclBody): HclBlock {
  return { type: "variable", labels: [name], body };
}

/** An `output` block. */
export function output(name: string, description: string, value: HclValue): HclBlock {
  return { type: "output", labels: [name], body: { description, value } };
}

/** The Google APIs the design calls, sorted: each is enabled before anything uses it. */
export function requiredApis(ctx: GcpContext): string[] {
  const { plan } = ctx;
  const apis = new Set(["iam.googleapis.com", "logging.googleapis.com", "monitoring.googleapis.com"]);
  if (ctx.hasNetwork || ctx.hasPublicLb) apis.add("compute.googleapis.com");
  if (plan.databases.length > 0 || plan.caches.length > 0) apis.add("servicenetworking.googleapis.com");
  if (plan.databases.length > 0) apis.add("sqladmin.googleapis.com");
  if (plan.caches.length > 0) apis.add("redis.googleapis.com");
  if (ctx.workloads.some((w) => w.kind !== "gke")) apis.add("run.googleapis.com");
  if (ctx.workloads.some((w) => w.kind === "job")) apis.add("cloudscheduler.googleapis.com");
  if (ctx.gke) apis.add("container.googleapis.com");
  if (plan.queues.length > 0) apis.add("pubsub.googleapis.com");
  if (ctx.workloads.length > 0) apis.add("artifactregistry.googleapis.com");
  if (plan.security.secrets.length > 0 || plan.databases.length > 0) apis.add("secretmanager.googleapis.com");
  if (plan.buckets.length > 0) apis.add("storage.googleapis.com");
  if (ctx.cmk) apis.add("cloudkms.googleapis.com");
  return [...apis].sort();
}

/** apis.tf: the project's services, left enabled on destroy (other stacks in the project may use them). */
export function renderApis(ctx: GcpContext): GcpSection[] {
  const owner = ctx.component([]);
  return [
    {
      file: "apis.tf",
      blocks: [
        ctx.resource("google_project_service", "apis", owner, {
          for_each: ref(`toset(${JSON.stringify(requiredApis(ctx)).replace(/,/g, ", ")})`),
          project: ref("var.project_id"),
          service: ref("each.value"),
          disable_on_destroy: false,
        }),
      ],
    },
  ];
}

/** variables.tf: only what the plan cannot know (the project, the public domain, who is alerted, who reaches the GKE API). */
export function renderVariables(ctx: GcpContext): GcpSection[] {
  const blocks: HclBlock[] = [
    variable("project_id", {
      description: "Google Cloud project the design is deployed into",
      type: ref("string"),
      validation: block({
        condition: ref('can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))'),
        error_message: "project_id must be a Google Cloud project id (6-30 lower-case letters, digits and dashes).",
      }),
    }),
  ];
  if (ctx.hasPublicLb)
    blocks.push(
      variable("domain", {
        description: "Domain name the load balancer answers for; its Google-managed certificate is issued once DNS points at the load balancer's address",
        type: ref("string"),
      }),
    );
  if (ctx.plan.observability.alerts.length > 0)
    blocks.push(
      variable("notification_channels", {
        description: "Cloud Monitoring notification channel ids alerted when a policy fires",
        type: ref("list(string)"),
        default: [],
      }),
    );
  if (ctx.gke)
    blocks.push(
      variable("master_authorized_networks", {
        description: "CIDR ranges allowed to reach the GKE control plane (VPN, CI runners); empty allows only the VPC",
        type: ref("list(object({ cidr_block = string, display_name = string }))"),
        default: [],
      }),
    );
  return [{ file: "variables.tf", blocks }];
}
