import { AtlasError } from "../../../lib/errors.js";
import { type HclBlock, type HclBody, type HclValue, interpolate, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import {
  bucketAddress,
  cacheAuthSecret,
  databasePasswordSecret,
  REGISTRY,
  redisAddress,
  runAddress,
  secretAddress,
  serviceAccount,
  sqlAddress,
  subscriptionAddress,
  topicAddress,
} from "./addresses.js";
import { output } from "./base.js";
import { type GcpContext, type GcpSection, nameWith } from "./context.js";

type Scope = GcpContext["plan"]["security"]["iam_scopes"][number];

/** Service account block names the builder uses for its own helpers; a plan principal never takes them. */
const RESERVED = new Set(["pubsub_invoker", "scheduler", "gke_nodes"]);

/** Basic roles grant (nearly) everything in the project: never granted to a workload. */
const BASIC_ROLES = new Set(["roles/owner", "roles/editor", "roles/viewer"]);

/** Roles that only exist at project level and carry no data access (writing logs, metrics, traces). */
const PROJECT_TELEMETRY = /^roles\/(logging\.logWriter|monitoring\.metricWriter|cloudtrace\.agent|errorreporting\.writer)$/;

/** One IAM binding: who gets which role on what. */
interface Grant {
  /** `serviceAccount:...` member */
  member: HclValue;
  /** block name of the member's service account, for readable resource names */
  who: string;
  role: string;
  /** resource type and the arguments naming the resource */
  type: string;
  target: HclBody;
  /** a short name for the target in block names */
  what: string;
}

/** The service account block name of each principal of `security.iam_scopes`: a workload's own, or one made for it. */
export function principalAccounts(ctx: GcpContext): Map<string, string> {
  const accounts = new Map<string, string>();
  const first = ctx.workloads[0];
  for (const scope of ctx.plan.security.iam_scopes) {
    if (accounts.has(scope.principal)) continue;
    const workload = ctx.workloads.find((w) => w.id === scope.principal) ?? (scope.principal === ctx.plan.goal_name ? first : undefined);
    if (workload) {
      accounts.set(scope.principal, workload.tf);
      continue;
    }
    let name = tfName(scope.principal);
    const taken = new Set([...RESERVED, ...ctx.workloads.map((w) => w.tf), ...accounts.values()]);
    for (let n = 2; taken.has(name); n++) name = `${tfName(scope.principal)}_${n}`;
    accounts.set(scope.principal, name);
  }
  return accounts;
}

function member(tf: string): HclValue {
  return interpolate("serviceAccount:", ref(`${serviceAccount(tf)}.email`));
}

/** A role on the project, optionally narrowed by an IAM condition to one resource. */
function projectGrant(who: string, role: string, what: string, condition?: { title: string; expression: HclValue }): Grant {
  return {
    member: member(who),
    who,
    role,
    type: "google_project_iam_member",
    target: { project: ref("var.project_id"), ...(condition ? { condition: { nested: condition } } : {}) },
    what,
  };
}

/**
 * The bindings one scope asks for, each on the narrowest resource that can hold it: a bucket,
 * secret, topic, subscription, repository or Cloud Run service; Cloud SQL and Memorystore roles
 * exist only on the project, so they are bound there with a condition naming the instance;
 * telemetry writer roles on the project.
 * @throws AtlasError `VALIDATION_FAILED` for a basic or wildcard role, or a resource naming nothing
 */
function grantsFor(ctx: GcpContext, scope: Scope, position: number, who: string): Grant[] {
  const { plan } = ctx;
  const path = `security.iam_scopes[${position}]`;
  const fail = (message: string, at: string): never => {
    throw new AtlasError("VALIDATION_FAILED", `IAM scope for ${scope.principal}: ${message}`, { issues: [{ path: at, message }] });
  };
  const kinds = new Map(plan.components.map((c) => [c.id, c.kind]));
  const grants: Grant[] = [];
  scope.actions.forEach((role, r) => {
    if (BASIC_ROLES.has(role) || role.includes("*")) fail(`"${role}" grants far more than the workload needs; name a predefined role`, `${path}.actions[${r}]`);
    if (!role.startsWith("roles/")) fail(`"${role}" is not a Google Cloud role name (roles/...)`, `${path}.actions[${r}]`);
    scope.resources.forEach((id, i) => {
      const at = `${path}.resources[${i}]`;
      const bucket = plan.buckets.find((b) => b.id === id);
      const secrets = plan.security.secrets.filter((s) => s.name === id || kinds.get(id) === "secret-manager");
      const db = plan.databases.find((d) => d.id === id) ?? (/^cloud-sql-/.test(kinds.get(id) ?? "") ? plan.databases[0] : undefined);
      const cache = plan.caches.find((c) => c.id === id) ?? (kinds.get(id) === "memorystore-redis" ? plan.caches[0] : undefined);
      const queues = plan.queues.filter((q) => q.id === id || kinds.get(id) === "pubsub");
      const workload = ctx.workloads.find((w) => w.id === id && w.kind !== "gke");
      if (bucket) {
        grants.push({
          member: member(who),
          who,
          role,
          type: "google_storage_bucket_iam_member",
          target: { bucket: ref(`${bucketAddress(bucket)}.name`) },
          what: tfName(id),
        });
      } else if (secrets.length > 0) {
        for (const s of secrets)
          grants.push({
            member: member(who),
            who,
            role,
            type: "google_secret_manager_secret_iam_member",
            target: { secret_id: ref(`${secretAddress(s.name)}.id`) },
            what: tfName(s.name),
          });
      } else if (db && role.startsWith("roles/cloudsql.")) {
        grants.push(
          projectGrant(who, role, tfName(db.id), {
            title: `only ${db.id}`,
            expression: interpolate('resource.name == "projects/', ref("var.project_id"), "/instances/", ref(`${sqlAddress(db)}.name`), '"'),
          }),
        );
      } else if (cache && role.startsWith("roles/redis.")) {
        grants.push(
          projectGrant(who, role, tfName(cache.id), {
            title: `only ${cache.id}`,
            expression: interpolate('resource.name == "', ref(`${redisAddress(cache)}.id`), '"'),
          }),
        );
      } else if (queues.length > 0) {
        for (const q of queues) {
          const onSubscription = role === "roles/pubsub.subscriber";
          grants.push({
            member: member(who),
            who,
            role,
            type: onSubscription ? "google_pubsub_subscription_iam_member" : "google_pubsub_topic_iam_member",
            target: onSubscription ? { subscription: ref(`${subscriptionAddress(q)}.name`) } : { topic: ref(`${topicAddress(q)}.name`) },
            what: tfName(q.id),
          });
        }
      } else if (kinds.get(id) === "artifact-registry" && ctx.workloads.length > 0) {
        grants.push({
          member: member(who),
          who,
          role,
          type: "google_artifact_registry_repository_iam_member",
          target: { location: ref(`${REGISTRY}.location`), repository: ref(`${REGISTRY}.name`) },
          what: "registry",
        });
      } else if (workload && workload.kind === "service") {
        grants.push({
          member: member(who),
          who,
          role,
          type: "google_cloud_run_v2_service_iam_member",
          target: { location: ref(`${runAddress(workload)}.location`), name: ref(`${runAddress(workload)}.name`) },
          what: workload.tf,
        });
      } else if (PROJECT_TELEMETRY.test(role)) {
        grants.push(projectGrant(who, role, "project"));
      } else {
        fail(`"${id}" with ${role} names no bucket, secret, database, cache, topic, registry or service of the plan`, at);
      }
    });
  });
  return grants;
}

/**
 * Bindings every workload gets without a scope: reading the secrets the builder generated and
 * hands it as environment variables (database passwords, Redis AUTH strings), since Cloud Run
 * resolves them with the workload's own service account when it starts an instance.
 */
function builtInGrants(ctx: GcpContext): Grant[] {
  const grants: Grant[] = [];
  for (const workload of ctx.workloads.filter((w) => w.kind !== "gke")) {
    const generated = [
      ...ctx.plan.databases.map((db) => ({ address: databasePasswordSecret(db), what: `${tfName(db.id)}_password` })),
      ...ctx.plan.caches.map((cache) => ({ address: cacheAuthSecret(cache), what: `${tfName(cache.id)}_auth` })),
    ];
    for (const secret of generated)
      grants.push({
        member: member(workload.tf),
        who: workload.tf,
        role: "roles/secretmanager.secretAccessor",
        type: "google_secret_manager_secret_iam_member",
        target: { secret_id: ref(`${secret.address}.id`) },
        what: secret.what,
      });
  }
  return grants;
}

/** Block names of the secret bindings a workload needs before it can start (Cloud Run resolves env secrets at deploy). */
export function generatedSecretGrants(ctx: GcpContext, tf: string): string[] {
  return builtInGrants(ctx)
    .filter((g) => g.who === tf)
    .map((g) => `${g.type}.${grantName(g)}`);
}

function grantName(grant: Grant): string {
  return tfName(`${grant.who}_${grant.role.replace(/^roles\//, "")}_${grant.what}`);
}

/**
 * iam.tf: a dedicated service account per workload (never the Compute Engine default account)
 * and per other principal of `security.iam_scopes`, with exactly the scoped roles on the
 * narrowest resources that hold them (see {@link grantsFor}), plus the generated secrets each
 * Cloud Run workload mounts. No keys are created: workloads use their attached identity.
 */
export function renderIam(ctx: GcpContext): GcpSection[] {
  const { plan } = ctx;
  const accounts = principalAccounts(ctx);
  const owner = (tf: string) => ctx.workloads.find((w) => w.tf === tf)?.id ?? ctx.component(["cloud-run", "gke-cluster"]);
  const blocks: HclBlock[] = [];
  const named = new Set<string>();
  const account = (tf: string, id: string, description: string) => {
    if (named.has(tf)) return;
    named.add(tf);
    blocks.push(
      ctx.resource("google_service_account", tf, owner(tf), {
        account_id: nameWith(ctx, 30, id),
        display_name: `${plan.goal_name} ${plan.environment} ${id}`,
        description,
      }),
    );
  };
  for (const w of ctx.workloads) account(w.tf, w.id === "gke" ? "workload" : w.id, `Runs ${w.id}; holds only the roles the plan scopes to it`);
  for (const [principal, tf] of accounts) account(tf, principal, `Principal ${principal} of the plan's IAM scopes`);
  const grants = [
    ...plan.security.iam_scopes.flatMap((scope, position) => grantsFor(ctx, scope, position, accounts.get(scope.principal) as string)),
    ...builtInGrants(ctx),
  ];
  const seen = new Set<string>();
  for (const grant of grants) {
    const name = grantName(grant);
    if (seen.has(name)) continue;
    seen.add(name);
    const { condition, ...target } = grant.target;
    blocks.push(ctx.resource(grant.type, name, owner(grant.who), { ...target, role: grant.role, member: grant.member, condition }));
  }
  const outputs = ctx.workloads.map((w) => output(`${w.tf}_service_account`, `Service account ${w.id} runs as`, ref(`${serviceAccount(w.tf)}.email`)));
  return [
    { file: "iam.tf", blocks },
    { file: "outputs.tf", blocks: outputs },
  ];
}
