import type { PlanSpec } from "../../schemas/plan.js";
import type { Design, Sized } from "./design.js";

type Security = PlanSpec["security"];
type IamScope = Security["iam_scopes"][number];

/** Secrets Manager secrets: database credentials (RDS-managed) and the Redis AUTH token. */
export function secretsFor(d: Design, s: Sized): Security["secrets"] {
  const out: Security["secrets"] = [];
  if (s.database) out.push({ name: `${d.goal.name}/db-credentials`, purpose: "Postgres credentials for the application, rotated" });
  if (s.cache) out.push({ name: `${d.goal.name}/redis-auth`, purpose: "Redis AUTH token for in-transit encrypted connections" });
  // each key a component's env reads by secret_ref is a secret of its own, filled in by the user, delivered by reference
  for (const [key, users] of componentSecretKeys(d)) {
    const name = `${d.goal.name}/${key}`;
    if (!out.some((secret) => secret.name === name)) out.push({ name, purpose: `secret_ref "${key}" of component ${users.join(", ")}` });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The keys the goal's components read by `secret_ref`, each with the components that read it, in first-use order. */
function componentSecretKeys(d: Design): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const component of d.goal.components ?? []) {
    for (const env of component.env) {
      if (!("secret_ref" in env)) continue;
      const users = keys.get(env.secret_ref.key) ?? [];
      if (!users.includes(component.name)) users.push(component.name);
      keys.set(env.secret_ref.key, users);
    }
  }
  return keys;
}

function scope(principal: string, actions: string[], resources: string[]): IamScope {
  return { principal, actions: [...actions].sort(), resources: [...resources].sort() };
}

/**
 * Least-privilege IAM scopes: explicit actions, never a wildcard action, on the plan's own
 * resources named by id (`queue`, `data-bucket`, `kms`, secret names). The builder resolves
 * each id to the exact ARN of the resource it creates, which is narrower than any ARN pattern
 * the planner could guess before names and the account are known. The workload's principal
 * is the goal name; ECR pulls and log delivery belong to the task execution role the builder
 * attaches with AWS's managed policy.
 */
export function iamScopesFor(d: Design, s: Sized): IamScope[] {
  const n = d.goal.name;
  const scopes: IamScope[] = [];
  const compute = d.pattern.def.compute;
  const key = d.customerManagedKey ? ["kms"] : [];
  if (compute === "none") {
    const deploy = `${n}-deployer`;
    scopes.push(scope(deploy, ["s3:DeleteObject", "s3:ListBucket", "s3:PutObject"], ["site-bucket"]));
    if (key.length > 0) scopes.push(scope(deploy, ["kms:Decrypt", "kms:GenerateDataKey"], key));
    return scopes;
  }
  if (compute === "worker") {
    scopes.push(scope(n, ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], ["queue"]));
  }
  if (compute === "scheduled") scopes.push(scope(n, ["s3:GetObject", "s3:ListBucket", "s3:PutObject"], ["data-bucket"]));
  const secrets = secretsFor(d, s).map((secret) => secret.name);
  if (secrets.length > 0) scopes.push(scope(n, ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], secrets));
  if (key.length > 0) scopes.push(scope(n, ["kms:Decrypt", "kms:GenerateDataKey"], key));
  return scopes;
}

/** Encryption at rest and in transit always; customer-managed KMS for prod, PCI and HIPAA. */
export function securityFor(d: Design, s: Sized): Security {
  return {
    encryption_at_rest: true,
    encryption_in_transit: true,
    kms: d.customerManagedKey ? "customer-managed" : "aws-managed",
    iam_scopes: iamScopesFor(d, s),
    secrets: secretsFor(d, s),
    waf: d.waf,
  };
}
