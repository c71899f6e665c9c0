import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readIacFolder } from "../iac/read-folder.js";
import { validateIac } from "./engine.js";
import { mergeOrgPolicy } from "./org-policy.js";
import { builtinRules } from "./rules/index.js";
import type { Environment } from "./types.js";

const FIXTURES = join(import.meta.dirname, "..", "test", "fixtures", "iac");

/** `AWS_S3_PUBLIC_ACL` → `aws-s3-public-acl` */
const kebab = (id: string) => id.toLowerCase().replace(/_/g, "-");

interface Case {
  /** file of the fail fixture the finding must point at */
  file: string;
  env?: Environment;
  /** policy fields the rule needs to be active */
  policy?: Record<string, unknown>;
}

/** One entry per built-in rule; a rule without an entry fails the coverage test below. */
const CASES: Record<string, Case> = {
  IAC_PARSE_ERROR: { file: "main.tf" },
  K8S_SCHEMA: { file: "deployment.yaml" },
  K8S_REMOVED_API: { file: "deployment.yaml" },
  K8S_SCHEMA_UNKNOWN: { file: "certificate.yaml" },
  KUSTOMIZE_NOT_BUILT: { file: "overlays/prod/kustomization.yaml" },
  KUSTOMIZE_BUILD_ERROR: { file: "overlays/prod/kustomization.yaml" },
  PIPELINE_SCHEMA: { file: ".github/workflows/deploy.yml" },
  PIPELINE_UNPINNED_ACTION: { file: ".github/workflows/ci.yml" },
  AWS_S3_PUBLIC_ACL: { file: "main.tf" },
  AWS_S3_PUBLIC_ACCESS_BLOCK: { file: "main.tf" },
  AWS_S3_ENCRYPTION: { file: "main.tf" },
  AWS_S3_VERSIONING: { file: "main.tf" },
  AWS_SG_SSH_OPEN: { file: "main.tf" },
  AWS_SG_RDP_OPEN: { file: "main.tf" },
  AWS_SG_ALL_PORTS_OPEN: { file: "main.tf" },
  AWS_VPC_FLOW_LOGS: { file: "network.tf" },
  AWS_SUBNET_PUBLIC_IP: { file: "network.tf" },
  AWS_ALB_HTTP_LISTENER: { file: "alb.tf" },
  AWS_ALB_TLS_POLICY: { file: "alb.tf" },
  AWS_ALB_DROP_INVALID_HEADERS: { file: "alb.tf" },
  AWS_RDS_PUBLIC: { file: "database.tf" },
  AWS_RDS_ENCRYPTION: { file: "database.tf.json" },
  AWS_RDS_BACKUP_RETENTION: { file: "database.tf", env: "prod" },
  AWS_RDS_MULTI_AZ_PROD: { file: "database.tf", env: "prod" },
  AWS_RDS_DELETION_PROTECTION_PROD: { file: "database.tf", env: "prod" },
  AWS_IAM_WILDCARD_ACTION: { file: "iam.tf" },
  AWS_IAM_ANY_PRINCIPAL: { file: "iam.tf" },
  AWS_IAM_USER_POLICY: { file: "iam.tf" },
  AWS_EBS_ENCRYPTION: { file: "compute.tf" },
  AWS_EC2_IMDSV2: { file: "compute.tf" },
  AWS_ELASTICACHE_AT_REST_ENCRYPTION: { file: "cache.tf" },
  AWS_ELASTICACHE_IN_TRANSIT_ENCRYPTION: { file: "cache.tf" },
  AWS_CLOUDWATCH_LOG_RETENTION: { file: "logs.tf" },
  AWS_KMS_KEY_ROTATION: { file: "kms.tf" },
  AWS_EKS_PUBLIC_ENDPOINT: { file: "eks.tf" },
  AWS_EKS_SECRETS_ENCRYPTION: { file: "eks.tf" },
  AWS_ECR_SCAN_ON_PUSH: { file: "ecr.tf" },
  AWS_ECR_IMMUTABLE_TAGS: { file: "ecr.tf" },
  AWS_ECS_TASK_PUBLIC_IP: { file: "ecs.tf" },
  AWS_INSTANCE_TYPE_ALLOWED: { file: "compute.tf", policy: { allowed_instance_types: ["t3.*", "m6i.*"] } },
  AWS_REGION_ALLOWED: { file: "providers.tf", policy: { allowed_regions: ["eu-west-1", "eu-central-1"] } },
  K8S_RUN_AS_NON_ROOT: { file: "deployment.yaml" },
  K8S_PRIVILEGED: { file: "deployment.yaml" },
  K8S_ALLOW_PRIVILEGE_ESCALATION: { file: "deployment.yaml" },
  K8S_READ_ONLY_ROOT_FS: { file: "deployment.yaml" },
  K8S_CAPABILITIES_NOT_DROPPED: { file: "deployment.yaml" },
  K8S_CAPABILITIES_ADDED: { file: "deployment.yaml" },
  K8S_HOST_NAMESPACES: { file: "daemonset.yaml" },
  K8S_HOST_PATH: { file: "deployment.yaml" },
  K8S_LIVENESS_PROBE: { file: "deployment.yaml" },
  K8S_READINESS_PROBE: { file: "deployment.yaml" },
  K8S_RESOURCE_LIMITS: { file: "deployment.yaml" },
  K8S_RESOURCE_REQUESTS: { file: "deployment.yaml" },
  K8S_IMAGE_TAG: { file: "deployment.yaml" },
  K8S_REQUIRED_LABELS: { file: "deployment.yaml" },
  K8S_DEFAULT_NAMESPACE: { file: "deployment.yaml" },
  K8S_SERVICE_EXPOSURE: { file: "service.yaml" },
  K8S_REPLICAS: { file: "deployment.yaml", env: "prod" },
  SECRET_CLOUD_KEY: { file: "main.tf" },
  SECRET_PRIVATE_KEY: { file: "main.tf" },
  SECRET_TF_ATTRIBUTE: { file: "main.tf" },
  SECRET_TF_VARIABLE_DEFAULT: { file: "variables.tf" },
  SECRET_K8S_ENV: { file: "deployment.yaml" },
  SECRET_K8S_CONFIGMAP: { file: "configmap.yaml" },
  SECRET_K8S_SECRET_MANIFEST: { file: "secret.yaml" },
  SECRET_CONFIG_FILE: { file: "values.yaml" },
  HELM_CHART_NOT_RENDERED: { file: "Chart.yaml" },
  HELM_OVERLAY_DRIFT: { file: "values-prod.yaml" },
};

/** Rules with no Checkov or Trivy equivalent: organisation-specific or about Atlas itself. */
const NO_PUBLIC_EQUIVALENT = new Set([
  "IAC_PARSE_ERROR",
  "K8S_SCHEMA",
  // deprecated-API checkers (pluto, kubent) have it; Trivy and Checkov do not
  "K8S_REMOVED_API",
  // about what Atlas could not check (no schema, an overlay it cannot build) or could not build
  "K8S_SCHEMA_UNKNOWN",
  "KUSTOMIZE_NOT_BUILT",
  "KUSTOMIZE_BUILD_ERROR",
  // CI/CD pipeline structure and pinning: Checkov's GitHub Actions ids (CKV_GHA_*) are outside the alias format
  "PIPELINE_SCHEMA",
  "PIPELINE_UNPINNED_ACTION",
  "AWS_INSTANCE_TYPE_ALLOWED",
  "AWS_REGION_ALLOWED",
  "K8S_REQUIRED_LABELS",
  "K8S_SERVICE_EXPOSURE",
  "K8S_REPLICAS",
  "HELM_CHART_NOT_RENDERED",
  "HELM_OVERLAY_DRIFT",
]);

/**
 * Azure and Google Cloud rules for which no Checkov or Trivy check doing the same could be
 * confirmed (the rule files say what each checks); claiming a near miss would be a false alias.
 */
const NO_CONFIRMED_ID = new Set([
  "AZURE_DATABASE_BACKUP_RETENTION",
  "AZURE_DATABASE_HIGH_AVAILABILITY_PROD",
  "AZURE_KEY_VAULT_RBAC",
  "AZURE_KEY_VAULT_DIAGNOSTICS",
  "AZURE_MANAGED_IDENTITY",
  "AZURE_FRONT_DOOR_WAF",
  "AZURE_FRONT_DOOR_HTTPS_REDIRECT",
  "AZURE_AKS_ENTRA_RBAC",
  "AZURE_AKS_WORKLOAD_IDENTITY",
  "AZURE_CONTAINER_APP_INSECURE_INGRESS",
  "AZURE_CONTAINER_APP_IDENTITY",
  "AZURE_LOG_ANALYTICS_RETENTION",
  "GCP_GKE_WORKLOAD_IDENTITY",
  "GCP_SQL_DELETION_PROTECTION_PROD",
  "GCP_SQL_HIGH_AVAILABILITY_PROD",
  "GCP_LB_HTTPS_PROXY_SSL_POLICY",
  "GCP_LB_CLOUD_ARMOR",
  "GCP_RUN_DEFAULT_SERVICE_ACCOUNT",
  "GCP_REDIS_HIGH_AVAILABILITY_PROD",
]);

/** Hard-coded credential rules (`SECRET_*`): Trivy's secret scanner has rule names, not check ids. */
const hasPublicEquivalent = (id: string) => !NO_PUBLIC_EQUIVALENT.has(id) && !NO_CONFIRMED_ID.has(id) && !id.startsWith("SECRET_");

/** Azure and Google Cloud rules: each has its failing and passing case in policies/rules/azure.test.ts or gcp.test.ts. */
const hasCloudCases = (id: string) => id.startsWith("AZURE_") || id.startsWith("GCP_");

/** Rules proven by a fixture folder per claimed Trivy id (policies/rules/fixtures.test.ts). */
const TRIVY_ID = /^(AWS|KSV|AZU|GCP)-\d{4}$/;
const hasTrivyFixtures = (aliases: readonly string[]) => aliases.some((alias) => TRIVY_ID.test(alias));

async function run(ruleId: string, side: "fail" | "pass") {
  const spec = CASES[ruleId] as Case;
  const files = await readIacFolder(join(FIXTURES, kebab(ruleId), side));
  const policy = mergeOrgPolicy(spec.policy ? [{ source: "test", data: spec.policy }] : []);
  const report = await validateIac(files, { policy, ...(spec.env ? { environment: spec.env } : {}) });
  return report.findings.filter((f) => f.rule_id === ruleId);
}

describe("built-in rule catalogue", () => {
  it("has at least 32 rules with unique ids", () => {
    const ids = builtinRules.map((rule) => rule.id);
    expect(ids.length).toBeGreaterThanOrEqual(32);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(builtinRules.map((rule) => [rule.id, rule] as const))("%s has a test case, fixtures and aliases", (id, rule) => {
    // a rule claiming Trivy ids is proven by their fixture folders; any other needs its own case here
    if (!hasTrivyFixtures(rule.aliases) && !hasCloudCases(id)) expect(CASES[id], `add ${id} to CASES`).toBeDefined();
    if (CASES[id]) {
      for (const side of ["fail", "pass"]) {
        const dir = join(FIXTURES, kebab(id), side);
        expect(existsSync(dir) && readdirSync(dir).length > 0, `missing fixture ${dir}`).toBe(true);
      }
    }
    if (hasPublicEquivalent(id)) expect(rule.aliases.length, `${id} needs its Checkov/Trivy ids`).toBeGreaterThan(0);
    for (const alias of rule.aliases) expect(alias).toMatch(/^(CKV2?_(AWS|K8S|AZURE|GCP)_\d+|(AWS|KSV|AZU|GCP)-\d{4})$/);
    expect(rule.title.length).toBeGreaterThan(0);
    expect(rule.remediation.length).toBeGreaterThan(0);
  });

  it("has no test case for a rule that does not exist", () => {
    const ids = new Set(builtinRules.map((rule) => rule.id));
    expect(Object.keys(CASES).filter((id) => !ids.has(id))).toEqual([]);
  });
});

describe.each(builtinRules.map((rule) => rule.id).filter((id) => CASES[id]))("%s", (ruleId) => {
  it("fires on its fail fixture, at the expected file and a line", async () => {
    const findings = await run(ruleId, "fail");
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) {
      expect(finding.file).toBe(CASES[ruleId]?.file);
      expect(finding.line).not.toBeNull();
      expect(finding.message.length).toBeGreaterThan(0);
    }
  });

  it("stays quiet on its pass fixture", async () => {
    expect(await run(ruleId, "pass")).toEqual([]);
  });
});
