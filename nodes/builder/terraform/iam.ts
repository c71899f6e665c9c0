import { AtlasError } from "../../../lib/errors.js";
import type { BuildContext } from "../context.js";
import { type HclBlock, type HclValue, ref, tpl } from "../hcl.js";
import { awsName, tfName } from "../labels.js";
import { cacheAddress, cacheUserAddress } from "./database.js";
import { databaseArn, databaseSecretArn } from "./engines.js";
import { ACCOUNT_ID, assumeRolePolicy, KMS_KEY, managedPolicy, PARTITION, policyDocument, type Statement, type TfSection } from "./shared.js";

type Scope = BuildContext["plan"]["security"]["iam_scopes"][number];

/** `*`, `*:*` and `service:*`: every action, or every action of a service. Never granted. */
function isWildcardAction(action: string): boolean {
  const [service, name] = action.split(":");
  return action.trim() === "*" || name === "*" || (service === "*" && name !== undefined);
}

/** ARNs of the plan's own resources by the ids a scope may name them with. */
function resourceIndex(ctx: BuildContext): Map<string, HclValue[]> {
  const index = new Map<string, HclValue[]>();
  const { plan } = ctx;
  for (const b of plan.buckets) {
    const arn = `aws_s3_bucket.${tfName(b.id)}.arn`;
    index.set(b.id, [ref(arn), tpl`${arn}/*`]);
  }
  for (const q of plan.queues) index.set(q.id, [ref(`aws_sqs_queue.${tfName(q.id)}.arn`)]);
  for (const s of plan.security.secrets) index.set(s.name, [ref(`aws_secretsmanager_secret.${tfName(s.name)}.arn`)]);
  for (const db of plan.databases) index.set(db.id, [databaseArn(db)]);
  for (const c of plan.caches) index.set(c.id, [ref(`${cacheAddress(c)}.arn`)]);
  if (ctx.hasService) index.set("ecr", [ref("aws_ecr_repository.app.arn")]);
  if (ctx.cmk) index.set("kms", [ref(`${KMS_KEY}.arn`)]);
  return index;
}

/**
 * A scope's resources as ARNs: literal ARNs and `*` as written; ids of the plan's buckets,
 * queues, secrets, databases and caches (optionally prefixed, `bucket:uploads`) become references.
 * @throws AtlasError `VALIDATION_FAILED` for a wildcard action or a resource that names nothing
 */
function statementFor(scope: Scope, position: number, index: Map<string, HclValue[]>): Statement {
  const path = `security.iam_scopes[${position}]`;
  scope.actions.forEach((action, i) => {
    if (isWildcardAction(action)) {
      throw new AtlasError("VALIDATION_FAILED", `IAM scope for ${scope.principal} grants the wildcard action "${action}"`, {
        issues: [{ path: `${path}.actions[${i}]`, message: "list the specific actions the workload calls" }],
      });
    }
  });
  const resources = scope.resources.flatMap((resource, i): HclValue[] => {
    if (resource === "*" || resource.startsWith("arn:")) return [resource];
    const found = index.get(resource) ?? index.get(resource.replace(/^[a-z0-9-]+[:/]/, ""));
    if (found) return found;
    throw new AtlasError("VALIDATION_FAILED", `IAM scope for ${scope.principal} names an unknown resource "${resource}"`, {
      issues: [{ path: `${path}.resources[${i}]`, message: "use an ARN or the id of a bucket, queue, secret, database or cache of the plan" }],
    });
  });
  return { Sid: `Scope${position + 1}`, Effect: "Allow", Action: [...scope.actions].sort(), Resource: resources };
}

/** Which principal of the scopes is the running service: one named like the compute component or goal, else the first. */
function workloadPrincipal(ctx: BuildContext): string | undefined {
  const scopes = ctx.plan.security.iam_scopes;
  const names = new Set([ctx.component([ctx.computeKind]), ctx.plan.goal_name]);
  return (scopes.find((s) => names.has(s.principal)) ?? scopes[0])?.principal;
}

/**
 * Statements the service always gets: reading its own secrets, connecting to its caches as its
 * IAM-authenticated user (the replication group and that user, nothing else), using the plan's key.
 */
function builtInStatements(ctx: BuildContext): Statement[] {
  const { plan } = ctx;
  const secrets: HclValue[] = [
    ...plan.security.secrets.map((s) => ref(`aws_secretsmanager_secret.${tfName(s.name)}.arn`)),
    ...plan.databases.map((db) => databaseSecretArn(db)),
  ];
  const out: Statement[] = [];
  if (secrets.length > 0)
    out.push({ Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], Resource: secrets });
  if (plan.caches.length > 0)
    out.push({
      Sid: "ConnectOwnCaches",
      Effect: "Allow",
      Action: ["elasticache:Connect"],
      Resource: plan.caches.flatMap((c) => [ref(`${cacheAddress(c)}.arn`), ref(`${cacheUserAddress(c)}.arn`)]),
    });
  if (ctx.cmk) out.push({ Sid: "UsePlanKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: ref(`${KMS_KEY}.arn`) });
  return out;
}

/**
 * iam.tf: a role per principal of `security.iam_scopes`, each with a customer-managed policy
 * listing exactly the scoped actions. The service's principal becomes `aws_iam_role.workload`
 * (ECS task role or EKS Pod Identity role); other principals are roles this account's
 * administrators can grant to their CI or operators. ECS also gets its task execution role.
 */
export function renderIam(ctx: BuildContext): TfSection[] {
  const { plan } = ctx;
  const index = resourceIndex(ctx);
  const workload = ctx.hasService ? workloadPrincipal(ctx) : undefined;
  const owner = ctx.component([ctx.computeKind]);
  const service = plan.compute.platform === "eks" ? "pods.eks.amazonaws.com" : "ecs-tasks.amazonaws.com";
  const accountRoot = { AWS: tpl`arn:${PARTITION}:iam::${ACCOUNT_ID}:root` };
  // The workload's role is named first so no other principal can take the name `workload`.
  const others = [...new Set(plan.security.iam_scopes.map((s) => s.principal))].filter((p) => p !== workload);
  const principals = ctx.hasService ? [workload ?? "workload", ...others] : others;
  const blocks: HclBlock[] = [];
  // Role names declared elsewhere (task_execution below, scheduler in schedule.tf) are not free for a principal.
  const used = new Set<string>(plan.compute.platform === "ecs-fargate" ? ["task_execution", ...(plan.compute.schedule ? ["scheduler"] : [])] : []);
  for (const principal of principals) {
    const isWorkload = ctx.hasService && principal === principals[0];
    const base = isWorkload ? "workload" : tfName(principal);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    const roleName = awsName(64, ctx.prefix, name.replace(/_/g, "-"));
    const statements = plan.security.iam_scopes
      .map((scope, position) => ({ scope, position }))
      .filter(({ scope }) => scope.principal === principal)
      .map(({ scope, position }) => statementFor(scope, position, index));
    if (isWorkload) statements.push(...builtInStatements(ctx));
    const trust = isWorkload
      ? assumeRolePolicy(service, plan.compute.platform === "eks" ? ["sts:AssumeRole", "sts:TagSession"] : ["sts:AssumeRole"])
      : policyDocument([{ Effect: "Allow", Principal: accountRoot, Action: "sts:AssumeRole" }]);
    blocks.push(ctx.resource("aws_iam_role", name, owner, { name: roleName, assume_role_policy: trust }));
    if (statements.length === 0) continue;
    blocks.push(
      ctx.resource("aws_iam_policy", name, owner, { name: roleName, description: `Least privilege for ${principal}`, policy: policyDocument(statements) }),
      ctx.resource("aws_iam_role_policy_attachment", name, owner, { role: ref(`aws_iam_role.${name}.name`), policy_arn: ref(`aws_iam_policy.${name}.arn`) }),
    );
  }
  if (plan.compute.platform === "ecs-fargate") {
    blocks.push(
      ctx.resource("aws_iam_role", "task_execution", owner, {
        name: `${ctx.prefix}-task-execution`,
        assume_role_policy: assumeRolePolicy("ecs-tasks.amazonaws.com"),
      }),
      ctx.resource("aws_iam_role_policy_attachment", "task_execution", owner, {
        role: ref("aws_iam_role.task_execution.name"),
        policy_arn: managedPolicy("service-role/AmazonECSTaskExecutionRolePolicy"),
      }),
    );
  }
  return blocks.length > 0 ? [{ file: "iam.tf", blocks }] : [];
}
