// biome-ignore-all lint/suspicious/noTemplateCurlyInString: expectations hold Terraform interpolations, not JS templates
import { describe, expect, it } from "vitest";
import { decodeDocument } from "../../../iac/hcl-expression.js";
import { parseTerraform } from "../../../iac/terraform.js";
import type { TerraformResource } from "../../../iac/types.js";
import { estimateCost } from "../../../pricing/index.js";
import type { PlanSpec } from "../../../schemas/plan.js";
import { eksApiPlan } from "../../../test/fixtures/plans/eks.js";
import { webApiProdPlan } from "../../../test/fixtures/plans/index.js";
import { validateArtifacts } from "../../validator/check.js";
import { renderArtifacts } from "../engine.js";

/*
 * Issue 14: Redis has AUTH through a reference, not a password. The cache's Terraform holds an
 * IAM-authenticated ElastiCache user in a user group on the replication group, the workload role
 * may `elasticache:Connect` to exactly that group and user, and what the app reads names the user
 * and never carries a password.
 */

const RBAC_TYPES = ["aws_elasticache_user", "aws_elasticache_user_group"];

async function terraformOf(plan: PlanSpec) {
  const files = renderArtifacts(plan)
    .files.filter((f) => f.kind === "terraform")
    .map(({ path, content }) => ({ path, content }));
  const parsed = await parseTerraform(files);
  expect(parsed.errors).toEqual([]);
  return { files, resources: parsed.resources };
}

function one(resources: TerraformResource[], type: string, name: string): Record<string, unknown> {
  const found = resources.filter((r) => r.type === type && r.name === name);
  expect(
    found.map((r) => r.address),
    `${type}.${name}`,
  ).toHaveLength(1);
  return (found[0] as TerraformResource).attributes;
}

type Statement = { Sid: string; Effect: string; Action: string[]; Resource: string | string[] };

/** Everything the app gets about the cache: where it is, who to be, what to sign for, TLS. No password, no token. */
const REDIS_KEYS = ["REDIS_SESSIONS_CACHE_NAME", "REDIS_SESSIONS_HOST", "REDIS_SESSIONS_PORT", "REDIS_SESSIONS_TLS", "REDIS_SESSIONS_USER"];

describe("Redis authentication by IAM (web-api-prod, one cache: sessions)", () => {
  it("creates an IAM-authenticated app user, a disabled default user, and a user group the replication group uses", async () => {
    const { resources } = await terraformOf(webApiProdPlan);
    const app = one(resources, "aws_elasticache_user", "sessions_app");
    expect(app.authentication_mode).toEqual([{ type: "iam" }]);
    // IAM authentication only works when the user id and the user name are the same.
    expect(app.user_name).toBe(app.user_id);
    expect(app.access_string).toMatch(/^on /);
    expect(app.access_string).toContain("-@admin");
    expect(app).not.toHaveProperty("passwords");
    expect(app).not.toHaveProperty("no_password_required");

    const fallback = one(resources, "aws_elasticache_user", "sessions_default");
    expect(fallback.user_name).toBe("default");
    expect(fallback.user_id).not.toBe("default");
    expect(String(fallback.access_string).split(" ")[0]).toBe("off");
    expect(fallback).not.toHaveProperty("passwords");

    const group = one(resources, "aws_elasticache_user_group", "sessions");
    expect(group.user_ids).toEqual(["${aws_elasticache_user.sessions_default.user_id}", "${aws_elasticache_user.sessions_app.user_id}"]);

    const cache = one(resources, "aws_elasticache_replication_group", "sessions");
    expect(cache.user_group_ids).toEqual(["${aws_elasticache_user_group.sessions.user_group_id}"]);
    expect(cache).not.toHaveProperty("auth_token");
    // IAM users need Redis OSS 7 or later and TLS in transit.
    expect(cache.engine).toBe("redis");
    expect(Number.parseFloat(String(cache.engine_version))).toBeGreaterThanOrEqual(7);
    expect(cache.transit_encryption_enabled).toBe(true);
  });

  it("lets the workload role connect to that replication group as that user, and to nothing else", async () => {
    const { resources } = await terraformOf(webApiProdPlan);
    const policy = one(resources, "aws_iam_policy", "workload");
    const doc = (await decodeDocument(policy.policy)) as { Statement: Statement[] };
    const connect = doc.Statement.filter((s) => s.Action.some((a) => a.startsWith("elasticache:")));
    expect(connect).toEqual([
      {
        Sid: "ConnectOwnCaches",
        Effect: "Allow",
        Action: ["elasticache:Connect"],
        Resource: ["${aws_elasticache_replication_group.sessions.arn}", "${aws_elasticache_user.sessions_app.arn}"],
      },
    ]);
    // Whatever else the plan's scopes grant, no statement grants a wildcard ElastiCache action.
    expect(doc.Statement.flatMap((s) => s.Action).filter((a) => a === "*" || a.startsWith("elasticache:*"))).toEqual([]);
  });

  it("hands the ECS task the user and the replication group to sign its token for, and no password", async () => {
    const { resources } = await terraformOf(webApiProdPlan);
    const task = one(resources, "aws_ecs_task_definition", "app");
    const [container] = (await decodeDocument(task.container_definitions)) as { environment: { name: string; value: string }[] }[];
    const env = new Map(container?.environment.map((e) => [e.name, e.value]));
    expect(env.get("REDIS_SESSIONS_USER")).toBe("${aws_elasticache_user.sessions_app.user_name}");
    expect(env.get("REDIS_SESSIONS_CACHE_NAME")).toBe("${aws_elasticache_replication_group.sessions.replication_group_id}");
    expect(env.get("REDIS_SESSIONS_TLS")).toBe("true");
    expect([...env.keys()].filter((name) => name.startsWith("REDIS_")).sort()).toEqual(REDIS_KEYS);
    expect(container).not.toHaveProperty("secrets");
  });

  it("passes the validator, with the users and group priced as free (no COST_UNPRICED)", async () => {
    const report = await validateArtifacts(renderArtifacts(webApiProdPlan), {
      environment: webApiProdPlan.environment,
      region: webApiProdPlan.region,
      budgetUsd: webApiProdPlan.cost.budget_usd,
    });
    expect(report.findings.filter((f) => f.severity === "high" || f.severity === "critical")).toEqual([]);
    expect(report.findings.filter((f) => f.rule_id === "COST_UNPRICED")).toEqual([]);
    expect(report.status).toBe("PASS");
    const { resources } = await terraformOf(webApiProdPlan);
    const estimate = estimateCost(resources, { region: webApiProdPlan.region });
    expect(estimate.unsupported.filter((u) => RBAC_TYPES.includes(u.type))).toEqual([]);
    const free = estimate.free.map((f) => JSON.stringify(f));
    for (const address of ["aws_elasticache_user.sessions_app", "aws_elasticache_user.sessions_default", "aws_elasticache_user_group.sessions"]) {
      expect(free.some((f) => f.includes(address))).toBe(true);
    }
  });
});

describe("Redis authentication by IAM on EKS (eks-api)", () => {
  it("writes the user name, not a password, into the runtime-endpoints secret the ExternalSecret extracts", async () => {
    const { resources } = await terraformOf(eksApiPlan);
    const version = one(resources, "aws_secretsmanager_secret_version", "runtime_endpoints");
    const endpoints = (await decodeDocument(version.secret_string)) as Record<string, string>;
    expect(endpoints.REDIS_SESSIONS_USER).toBe("${aws_elasticache_user.sessions_app.user_name}");
    expect(endpoints.REDIS_SESSIONS_CACHE_NAME).toBe("${aws_elasticache_replication_group.sessions.replication_group_id}");
    expect(endpoints.REDIS_SESSIONS_TLS).toBe("true");
    expect(
      Object.keys(endpoints)
        .filter((name) => name.startsWith("REDIS_"))
        .sort(),
    ).toEqual(REDIS_KEYS);
    // Pod Identity hands the pods the workload role, which holds the Connect permission.
    const policy = one(resources, "aws_iam_policy", "workload");
    const doc = (await decodeDocument(policy.policy)) as { Statement: Statement[] };
    expect(doc.Statement.find((s) => s.Sid === "ConnectOwnCaches")?.Resource).toEqual([
      "${aws_elasticache_replication_group.sessions.arn}",
      "${aws_elasticache_user.sessions_app.arn}",
    ]);
  });
});
