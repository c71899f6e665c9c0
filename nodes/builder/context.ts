import { AtlasError } from "../../lib/errors.js";
import { kubernetesName } from "../../schemas/component.js";
import type { componentKinds, PlanSpec } from "../../schemas/plan.js";
import { applyPattern, type Conventions, resolveConventions } from "./conventions.js";
import { type HclBlock, type HclBody, type HclValue, resource } from "./hcl.js";
import { awsName, resourceTags, tfName, UNTAGGABLE_TYPES } from "./labels.js";

export type ComponentKind = (typeof componentKinds)[number];

/** Untaggable types the builder emits beyond `UNTAGGABLE_TYPES` (capacity providers of a cluster, a WAF association). */
export const MORE_UNTAGGABLE_TYPES: ReadonlySet<string> = new Set(["aws_ecs_cluster_capacity_providers", "aws_wafv2_web_acl_association"]);

/** A rendered file, path relative to the artifact root. */
export interface RenderedFile {
  path: string;
  content: string;
}

/** Extras for {@link BuildContext.resource}. */
export interface ResourceOptions {
  /** the `Name` tag; defaults to `<prefix>-<block name>` */
  name?: string;
  /** tags besides the trace labels, e.g. the subnet role tags EKS looks for */
  tags?: Record<string, string>;
}

/** What every renderer needs: the plan plus the naming and tracing decisions derived from it once. */
export interface BuildContext {
  plan: PlanSpec;
  /** `<goal>-<environment>`: the prefix of every cloud resource name */
  prefix: string;
  /** Kubernetes namespace of the service in the plan's environment (the `namespace` convention; never `default`) */
  namespace: string;
  /** the organisation's naming conventions, defaults filled in */
  conventions: Conventions;
  /**
   * A name of at most `max` characters for services with short limits (load balancers: 32):
   * the goal name is shortened, the environment and `suffix` are kept, so names never collide across environments.
   */
  shortName(max: number, suffix?: string): string;
  /** true when the plan asks for a customer-managed KMS key (`aws_kms_key.main`) */
  cmk: boolean;
  /** true when the design runs a service (ECS or EKS) rather than only serving static files */
  hasService: boolean;
  /** true when the design needs a VPC (a service, a database or a cache) */
  hasNetwork: boolean;
  /** true when Terraform creates the ALB (ECS); on EKS the load balancer controller makes it from the Ingress */
  hasAlb: boolean;
  /** component kind of the running service, used as the fallback owner of shared resources */
  computeKind: ComponentKind;
  /** The plan component a resource implements; see {@link componentFor}. */
  component(kinds: readonly ComponentKind[], match?: { id?: string; index?: number }): string;
  /** A resource block tagged with the trace labels (or, for untaggable types, a comment naming the component). */
  resource(type: string, name: string, component: string, body: HclBody, options?: ResourceOptions): HclBlock;
}

/** Builds the context for a plan, rejecting what the builder cannot render (non-AWS clouds, colliding ids). */
export function makeContext(plan: PlanSpec, conventions: Partial<Conventions> = {}): BuildContext {
  if (plan.cloud !== "aws") {
    throw new AtlasError("VALIDATION_FAILED", `The builder renders AWS only; plan ${plan.plan_id} targets ${plan.cloud}`, {
      issues: [{ path: "cloud", message: `"${plan.cloud}" is not supported by the builder` }],
    });
  }
  rejectNameCollisions(plan);
  rejectUnrenderableComponents(plan);
  const platform = plan.compute.platform;
  const hasService = platform !== "none";
  const computeKind: ComponentKind = platform === "ecs-fargate" ? "ecs-service" : platform === "eks" ? "eks-cluster" : "cloudfront";
  const prefix = awsName(63, plan.goal_name, plan.environment);
  const shortName = (max: number, suffix?: string) => {
    const tail = [plan.environment, ...(suffix ? [suffix] : [])].join("-");
    return awsName(max, awsName(Math.max(1, max - tail.length - 1), plan.goal_name), tail);
  };
  const component = (kinds: readonly ComponentKind[], match: { id?: string; index?: number } = {}) => componentFor(plan, [...kinds, computeKind], match);
  const resolved = resolveConventions(conventions);
  return {
    plan,
    prefix,
    namespace: applyPattern(resolved.namespace, plan, plan.environment, component([computeKind])),
    conventions: resolved,
    shortName,
    cmk: plan.security.kms === "customer-managed",
    hasService,
    hasNetwork: hasService || plan.databases.length > 0 || plan.caches.length > 0,
    hasAlb: platform === "ecs-fargate" && plan.network.ingress.type === "alb",
    computeKind,
    component,
    resource(type, name, owner, body, options = {}) {
      if (UNTAGGABLE_TYPES.has(type) || MORE_UNTAGGABLE_TYPES.has(type))
        return resource(type, name, body, [`atlas_component: ${owner} (${type} takes no tags)`]);
      const tags = resourceTags(plan, owner, options.name ?? `${prefix}-${name.replace(/_/g, "-")}`, options.tags);
      return resource(type, name, { ...body, tags: tags as HclValue });
    },
  };
}

/**
 * The id of the plan component a resource implements: the component with the given id,
 * else the `index`-th component of the first kind that has one, else the first component
 * of any listed kind, else the first component of the plan (so every resource is traced).
 */
export function componentFor(plan: PlanSpec, kinds: readonly ComponentKind[], match: { id?: string; index?: number } = {}): string {
  const { components } = plan;
  if (match.id !== undefined) {
    const exact = components.find((c) => c.id === match.id && kinds.includes(c.kind)) ?? components.find((c) => c.id === match.id);
    if (exact) return exact.id;
  }
  for (const kind of kinds) {
    const ofKind = components.filter((c) => c.kind === kind);
    const picked = (match.index !== undefined ? ofKind[match.index] : undefined) ?? ofKind[0];
    if (picked) return picked.id;
  }
  return components[0]?.id ?? plan.goal_name;
}

/**
 * The user's components are Kubernetes workloads: a plan that carries them must run on EKS, and
 * no component may take the name of the design's default-deny NetworkPolicy.
 * @throws AtlasError `VALIDATION_FAILED` naming the field
 */
function rejectUnrenderableComponents(plan: PlanSpec): void {
  if (plan.runtime_components.length === 0) return;
  if (plan.compute.platform !== "eks") {
    throw new AtlasError("VALIDATION_FAILED", `plan ${plan.plan_id} has runtime_components but runs on ${plan.compute.platform}`, {
      issues: [{ path: "runtime_components", message: "components are Kubernetes workloads: the plan must run on eks" }],
    });
  }
  plan.runtime_components.forEach((component, index) => {
    if (kubernetesName(component.name) === `${plan.goal_name}-default-deny`) {
      throw new AtlasError("VALIDATION_FAILED", `component "${component.name}" takes the name of the design's default-deny NetworkPolicy`, {
        issues: [{ path: `runtime_components[${index}].name`, message: "choose another name" }],
      });
    }
  });
}

/**
 * Ids become Terraform block names (`orders-db` → `orders_db`); two ids of one kind that map
 * to the same name would declare the same resource twice.
 * @throws AtlasError `VALIDATION_FAILED` naming the colliding ids
 */
function rejectNameCollisions(plan: PlanSpec): void {
  const groups: [string, string[]][] = [
    ["buckets", plan.buckets.map((b) => b.id)],
    ["queues", plan.queues.map((q) => q.id)],
    ["databases", plan.databases.map((d) => d.id)],
    ["caches", plan.caches.map((c) => c.id)],
    ["security.secrets", plan.security.secrets.map((s) => s.name)],
  ];
  for (const [path, ids] of groups) {
    const seen = new Map<string, string>();
    ids.forEach((id, index) => {
      const other = seen.get(tfName(id));
      if (other !== undefined) {
        throw new AtlasError("VALIDATION_FAILED", `${path}: "${other}" and "${id}" would both be named ${tfName(id)}`, {
          issues: [{ path: `${path}[${index}]`, message: "ids must differ in more than case and punctuation" }],
        });
      }
      seen.set(tfName(id), id);
    });
  }
}
