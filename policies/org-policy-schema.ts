import { z } from "zod";
import { parsePath } from "./path.js";
import { ENVIRONMENTS, type Environment, SEVERITIES, type Severity } from "./severity.js";

const severity = z.enum(SEVERITIES);
const ruleId = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be SCREAMING_SNAKE_CASE, e.g. ORG_S3_OWNER_TAG");
const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const path = z.string().superRefine((value, ctx) => {
  try {
    parsePath(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
  }
});

/** How a custom rule tests the value it finds; a finding is raised when the test fails. */
export const CONDITIONS = ["exists", "not_exists", "equals", "not_equals", "in", "not_in", "matches"] as const;

const customCommon = {
  id: ruleId,
  title: z.string().min(1),
  severity,
  condition: z.enum(CONDITIONS),
  /** compared value: a scalar for equals/not_equals, a list for in/not_in, a regex for matches */
  value: z.unknown().optional(),
  message: z.string().min(1),
  remediation: z.string().default(""),
  aliases: z.array(z.string()).default([]),
};

const terraformRule = z.strictObject({
  ...customCommon,
  target: z.literal("terraform"),
  /** e.g. `aws_s3_bucket`, or a list of types */
  resource_type: oneOrMany,
  /** path into the resource's attributes, e.g. `tags.owner` or `versioning.enabled` */
  attribute: path,
});

const kubernetesRule = z.strictObject({
  ...customCommon,
  target: z.literal("kubernetes"),
  /** e.g. `Deployment`, or a list of kinds */
  kind: oneOrMany,
  /** path into the object, e.g. `spec.template.spec.priorityClassName` */
  path,
});

const customRule = z.discriminatedUnion("target", [terraformRule, kubernetesRule]).superRefine((rule, ctx) => {
  const needsList = rule.condition === "in" || rule.condition === "not_in";
  if (needsList && !Array.isArray(rule.value)) {
    ctx.addIssue({ code: "custom", path: ["value"], message: `condition "${rule.condition}" needs a list value` });
  }
  if ((rule.condition === "equals" || rule.condition === "not_equals") && (rule.value === undefined || typeof rule.value === "object")) {
    ctx.addIssue({ code: "custom", path: ["value"], message: `condition "${rule.condition}" needs a scalar value` });
  }
  if (rule.condition === "matches") {
    try {
      if (typeof rule.value !== "string") throw new Error("not a string");
      new RegExp(rule.value);
    } catch {
      ctx.addIssue({ code: "custom", path: ["value"], message: 'condition "matches" needs a valid regular expression string' });
    }
  }
});

/** A declarative rule from an organisation policy file. */
export type CustomRuleSpec = z.infer<typeof customRule>;

const replicaRange = z
  .strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(1).optional() })
  .refine((range) => range.min === undefined || range.max === undefined || range.min <= range.max, {
    message: "min must not exceed max",
  });

const dnsPattern = z
  .string()
  .min(1)
  .regex(/^[a-z0-9${}-]+$/, "lower-case letters, digits, dashes and the placeholders ${goal}, ${env}, ${component}")
  .refine((value) => !/\$\{(?!goal\}|env\}|component\})/.test(value), "the only placeholders are ${goal}, ${env} and ${component}");

/**
 * Naming conventions for what the builder emits (see nodes/builder/conventions.ts for the
 * defaults, which keep Atlas's own names). Patterns take `${goal}`, `${env}` and `${component}`.
 */
export const conventionsSchema = z.strictObject({
  /** Kubernetes namespace per environment, e.g. `cs-${goal}-${env}`; default `${goal}-${env}` */
  namespace: dnsPattern.optional(),
  /** Helm chart name, e.g. `${component}-chart`; default `${goal}` */
  chart_name: dnsPattern.optional(),
  /** the Kubernetes Secret the ExternalSecret writes, e.g. `cs-${component}-secrets-${env}`; default `${goal}-secrets` */
  secret_name: dnsPattern.optional(),
  /** the External Secrets Operator ClusterSecretStore reading AWS Secrets Manager; default `aws-secrets-manager` */
  secret_store: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  /** value of the mandatory `atlas.dev/team` label; default `platform` */
  team: z
    .string()
    .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/, "a Kubernetes label value")
    .optional(),
  /** OTLP endpoint of the cluster's collector; default `http://otel-collector.monitoring:4317` */
  otel_endpoint: z.string().url().optional(),
  /** the cluster runs the Prometheus Operator: emit a ServiceMonitor; default false */
  prometheus_operator: z.boolean().optional(),
});

/** The `conventions` section of a policy file, every field optional. */
export type ConventionsFile = z.infer<typeof conventionsSchema>;

/** One organisation policy file. Every field is optional; unknown fields are errors (typos). */
export const orgPolicyFileSchema = z.strictObject({
  /** findings at or above this severity make the result FAIL */
  fail_on: severity.optional(),
  /** rule ids (or their Checkov/Trivy aliases) to turn off */
  disable: z.array(z.string().min(1)).optional(),
  /** per-rule severity, by rule id or alias */
  severity_overrides: z.record(z.string().min(1), severity).optional(),
  /** labels every Kubernetes object must carry */
  required_labels: z.array(z.string().min(1)).optional(),
  /** replica bounds per environment for Deployments and StatefulSets */
  replicas: z
    .strictObject(Object.fromEntries(ENVIRONMENTS.map((env) => [env, replicaRange.optional()])) as Record<Environment, z.ZodOptional<typeof replicaRange>>)
    .optional(),
  /** AWS regions providers may use, e.g. `eu-west-1` */
  allowed_regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region such as eu-west-1")).optional(),
  /** EC2 instance types allowed, as globs such as `t3.*` */
  allowed_instance_types: z.array(z.string().min(1)).optional(),
  custom_rules: z.array(customRule).optional(),
  /** naming conventions for generated Kubernetes and Helm artifacts */
  conventions: conventionsSchema.optional(),
});

/** The parsed content of one policy file. */
export type OrgPolicyFile = z.infer<typeof orgPolicyFileSchema>;

/** A replica range; either bound may be absent. */
export interface ReplicaRange {
  min?: number | undefined;
  max?: number | undefined;
}

/** An organisation policy after merging its files over the defaults. */
export interface OrgPolicy {
  fail_on: Severity;
  disable: string[];
  severity_overrides: Record<string, Severity>;
  required_labels: string[];
  replicas: Partial<Record<Environment, ReplicaRange>>;
  /** null: any region */
  allowed_regions: string[] | null;
  /** null: any instance type */
  allowed_instance_types: string[] | null;
  custom_rules: CustomRuleSpec[];
  /** naming conventions set by the policy files (later files win per field); absent fields take the builder's defaults */
  conventions?: ConventionsFile;
  /** files merged into this policy, in order */
  sources: string[];
}

/**
 * The policy used when none is given: fail on high, the two recommended
 * `app.kubernetes.io` labels, at least two replicas in prod and at most three in dev.
 */
export function defaultOrgPolicy(): OrgPolicy {
  return {
    fail_on: "high",
    disable: [],
    severity_overrides: {},
    required_labels: ["app.kubernetes.io/name", "app.kubernetes.io/part-of"],
    replicas: { prod: { min: 2 }, dev: { max: 3 } },
    allowed_regions: null,
    allowed_instance_types: null,
    custom_rules: [],
    sources: [],
  };
}
