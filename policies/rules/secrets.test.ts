import { describe, expect, it } from "vitest";
import type { IacFile, TerraformResource } from "../../iac/types.js";
import { validateIac } from "../engine.js";
import { defaultOrgPolicy } from "../org-policy-schema.js";
import type { Finding, RuleContext } from "../types.js";
import { findKeys, isReference, isSecretName, mask } from "./helpers/secret-patterns.js";
import { ecsPlaintextSecret, instanceUserData, launchTemplateUserData } from "./secrets.js";

/** Starts a Terraform interpolation without tripping the JS template-literal lint. */
const TF = "$";

// Made-up credentials in the documented shapes (not real keys).
const ACCESS_KEY = "AKIAJ7Q2X9LMZP4RT6WB";
const SECRET_KEY = "Xk9pQ2vL7mN4rT8wZ1yB3cD6fG0hJ5sA2eU7iO9q";
const PEM = ["-----BEGIN RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun", "-----END RSA PRIVATE KEY-----"].join("\n");

/** Findings of the SECRET_* rules, as [rule id, resource, file, line]. */
async function secrets(files: IacFile[], options: Parameters<typeof validateIac>[1] = {}): Promise<Finding[]> {
  const report = await validateIac(files, options);
  return report.findings.filter((f) => f.rule_id.startsWith("SECRET_"));
}

function brief(findings: Finding[]): [string, string, string, number | null][] {
  return findings.map((f) => [f.rule_id, f.resource, f.file, f.line]);
}

const tf = (content: string, path = "main.tf"): IacFile[] => [{ path, content }];

describe("names and values", () => {
  it("tells credential names from names about credentials", () => {
    for (const name of [
      "password",
      "master_password",
      "auth_token",
      "secret_key",
      "apiKey",
      "DB_PASSWD",
      "clientSecret",
      "secret_string",
      "MINIO_ACCESS_KEY",
    ]) {
      expect([name, isSecretName(name)]).toEqual([name, true]);
    }
    for (const name of [
      "password_length",
      "secret_arn",
      "token_ttl",
      "existingSecret",
      "passwordKey",
      "secretName",
      "kms_key_id",
      "username",
      "auth_token_update_strategy",
      "max_password_age",
      "create_random_password",
      "AWS_ACCESS_KEY_ID",
      "public_key",
    ]) {
      expect([name, isSecretName(name)]).toEqual([name, false]);
    }
  });

  it("treats expressions, secret-store references, paths and sops values as references", () => {
    for (const value of [
      `${TF}{var.db_password}`,
      "{{ .Values.auth.password }}",
      "$(DB_PASSWORD)",
      `${TF}{{ secrets.DEPLOY_TOKEN }}`,
      "$DB_PASSWORD",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
      "ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]",
      "/run/secrets/db_password",
    ]) {
      expect([value, isReference(value)]).toEqual([value, true]);
    }
    expect(isReference("hunter2hunter")).toBe(false);
    expect(isReference("changeme")).toBe(false);
  });

  it("masks a secret as its first two characters and length, and only the length when short", () => {
    expect(mask("hunter2hunter")).toBe('"hu…" (13 characters)');
    expect(mask("abc")).toBe("<3 characters>");
    expect(mask("hunter2hunter")).not.toContain("hunter2");
  });

  it("finds documented key formats and ignores look-alikes", () => {
    expect(findKeys(`key ${ACCESS_KEY} here`).map((k) => k.kind)).toEqual(["an AWS access key id"]);
    expect(findKeys(`aws_secret_access_key = ${SECRET_KEY}`).map((k) => [k.kind, k.match])).toEqual([["an AWS secret access key", SECRET_KEY]]);
    expect(findKeys(PEM).map((k) => k.family)).toEqual(["private"]);
    // A 40-character git commit id is not a secret key, nor is a public key a private one.
    expect(findKeys("secret_key_sha = 3f786850e387550fdab836ed7e6dc881de23001b")).toEqual([]);
    expect(findKeys("-----BEGIN PUBLIC KEY-----")).toEqual([]);
    expect(findKeys(`AKIA${"X".repeat(17)}`)).toEqual([]);
  });
});

describe("SECRET_CLOUD_KEY and SECRET_PRIVATE_KEY", () => {
  it("reports provider keys as critical, masked, at their lines", async () => {
    const found = await secrets(
      tf(['provider "aws" {', '  region     = "eu-west-1"', `  access_key = "${ACCESS_KEY}"`, `  secret_key = "${SECRET_KEY}"`, "}"].join("\n")),
    );
    expect(brief(found)).toEqual([
      ["SECRET_CLOUD_KEY", "provider.aws", "main.tf", 3],
      ["SECRET_CLOUD_KEY", "provider.aws", "main.tf", 4],
    ]);
    expect(found.map((f) => f.severity)).toEqual(["critical", "critical"]);
    for (const finding of found) {
      expect(finding.message).not.toContain(ACCESS_KEY);
      expect(finding.message).not.toContain(SECRET_KEY);
    }
  });

  it("does not report keys given through variables", async () => {
    const found = await secrets(
      tf(
        [
          'provider "aws" {',
          "  access_key = var.access_key",
          "  secret_key = var.secret_key",
          "}",
          'variable "access_key" {}',
          'variable "secret_key" {}',
        ].join("\n"),
      ),
    );
    expect(found).toEqual([]);
  });

  it("finds keys and private keys in any file, naming the enclosing object", async () => {
    const found = await secrets([
      { path: "config/settings.yaml", content: `deploy:\n  key_id: ${ACCESS_KEY}\n` },
      { path: "terraform.tfvars", content: `tls_key = <<EOT\n${PEM}\nEOT\n` },
    ]);
    expect(brief(found)).toEqual([
      ["SECRET_CLOUD_KEY", "config/settings.yaml", "config/settings.yaml", 2],
      ["SECRET_PRIVATE_KEY", "terraform.tfvars", "terraform.tfvars", 2],
    ]);
    expect(found[1]?.message).not.toContain("MIIE");
  });
});

describe("SECRET_TF_ATTRIBUTE", () => {
  it("reports secret-like attributes set to literals, wherever they are written", async () => {
    const found = await secrets([
      {
        path: "main.tf",
        content: [
          'resource "aws_db_instance" "main" {',
          '  engine   = "postgres"',
          '  username = "app"',
          '  password = "Tr0ub4dor-and-3"',
          "}",
          'resource "aws_elasticache_replication_group" "cache" {',
          '  description = "cache"',
          '  auth_token  = "changeme"',
          "}",
          'module "db" {',
          '  source      = "./modules/db"',
          '  db_password = "module-input-secret"',
          "}",
          "locals {",
          '  settings = { api_key = "local-api-key-1", region = "eu-west-1" }',
          "}",
        ].join("\n"),
      },
      { path: "modules/db/main.tf", content: 'variable "db_password" {}\nresource "aws_rds_cluster" "this" {\n  master_password = "in-the-module-1"\n}\n' },
      { path: "terraform.tfvars", content: 'region      = "eu-west-1"\nredis_token = "from-tfvars-99"\n' },
      { path: "extra.tf.json", content: JSON.stringify({ resource: { aws_docdb_cluster: { docs: { master_password: "json-literal-7" } } } }, null, 2) },
    ]);
    expect(brief(found.filter((f) => f.rule_id === "SECRET_TF_ATTRIBUTE"))).toEqual([
      ["SECRET_TF_ATTRIBUTE", "aws_docdb_cluster.docs", "extra.tf.json", 5],
      ["SECRET_TF_ATTRIBUTE", "aws_db_instance.main", "main.tf", 4],
      ["SECRET_TF_ATTRIBUTE", "aws_elasticache_replication_group.cache", "main.tf", 8],
      ["SECRET_TF_ATTRIBUTE", "module.db", "main.tf", 12],
      ["SECRET_TF_ATTRIBUTE", "locals", "main.tf", 15],
      ["SECRET_TF_ATTRIBUTE", "module.db.aws_rds_cluster.this", "modules/db/main.tf", 3],
      ["SECRET_TF_ATTRIBUTE", "terraform.tfvars", "terraform.tfvars", 2],
    ]);
    expect(found.find((f) => f.line === 8)?.message).toContain("placeholder");
    for (const secret of ["Tr0ub4dor-and-3", "module-input-secret", "local-api-key-1", "in-the-module-1", "from-tfvars-99", "json-literal-7"]) {
      expect(found.map((f) => f.message).join("\n")).not.toContain(secret);
    }
  });

  it("ignores references, names about secrets, comments and heredoc bodies", async () => {
    const found = await secrets(
      tf(
        [
          'resource "aws_db_instance" "main" {',
          "  password = data.aws_secretsmanager_secret_version.db.secret_string",
          "}",
          'resource "aws_rds_cluster" "c" {',
          `  master_password = "${TF}{random_password.db.result}"`,
          '  master_user_secret_kms_key_id = "alias/db"',
          "}",
          'resource "random_password" "db" {',
          "  length = 24",
          "}",
          'resource "aws_secretsmanager_secret" "s" {',
          '  name = "db"',
          "}",
          'resource "aws_lambda_function" "f" {',
          '  function_name = "f"',
          "  environment {",
          '    variables = { SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db", TOKEN_TTL = "3600" }',
          "  }",
          "}",
          '# password = "commented-out-1"',
          'resource "aws_ssm_document" "d" {',
          '  name = "d"',
          '  document_type = "Command"',
          "  content = <<DOC",
          '  password = "inside-a-heredoc"',
          "DOC",
          "}",
        ].join("\n"),
      ),
    );
    expect(brief(found)).toEqual([]);
  });

  it("reports a literal in a count = 0 resource too: the secret is in the code either way", async () => {
    const found = await secrets(tf('resource "aws_db_instance" "off" {\n  count    = 0\n  password = "still-committed-1"\n}\n'));
    expect(brief(found)).toEqual([["SECRET_TF_ATTRIBUTE", "aws_db_instance.off", "main.tf", 3]]);
  });

  it("reports a SecureString parameter with a literal value, not one from a variable", async () => {
    const found = await secrets(
      tf(
        [
          'resource "aws_ssm_parameter" "literal" {',
          '  name  = "/app/db"',
          '  type  = "SecureString"',
          '  value = "plain-in-code-1"',
          "}",
          'resource "aws_ssm_parameter" "fromvar" {',
          '  name  = "/app/db2"',
          '  type  = "SecureString"',
          "  value = var.db",
          "}",
          'variable "db" {}',
        ].join("\n"),
      ),
    );
    expect(brief(found)).toEqual([["SECRET_TF_ATTRIBUTE", "aws_ssm_parameter.literal", "main.tf", 1]]);
  });
});

describe("SECRET_TF_VARIABLE_DEFAULT", () => {
  const content = [
    'variable "db_password" {',
    "  type      = string",
    "  sensitive = true",
    '  default   = "hunter2hunter"',
    "}",
    'variable "password_length" {',
    "  default = 16",
    "}",
    'variable "api_token" {}',
    'resource "aws_db_instance" "main" {',
    "  password = var.db_password",
    "}",
  ].join("\n");

  it("reports a secret-named variable's literal default at the default line, once", async () => {
    const found = await secrets(tf(content));
    expect(brief(found)).toEqual([["SECRET_TF_VARIABLE_DEFAULT", "var.db_password", "main.tf", 4]]);
    expect(found[0]?.message).not.toContain("hunter2hunter");
  });

  it("does not report a value given on the command line as hard-coded", async () => {
    const found = await secrets(tf('variable "db_password" {}\nresource "aws_db_instance" "main" {\n  password = var.db_password\n}\n'), {
      terraform: { vars: { db_password: "given-at-run-time" } },
    });
    expect(found).toEqual([]);
  });
});

describe("user data (AWS-0029, AWS-0129, AWS-0122)", () => {
  it("reports a key in instance user data once, with the Trivy id, not again as a file-wide key", async () => {
    const found = await secrets(
      tf(
        ['resource "aws_instance" "a" {', '  ami = "ami-1"', "  user_data = <<EOF", "#!/bin/bash", `export AWS_ACCESS_KEY_ID=${ACCESS_KEY}`, "EOF", "}"].join(
          "\n",
        ),
      ),
    );
    expect(found.map((f) => [f.rule_id, f.aliases, f.severity])).toEqual([["SECRET_EC2_USER_DATA", ["CKV_AWS_46", "AWS-0029"], "critical"]]);
  });

  it("reports a password assignment without Trivy's id, which its scanner would not see", async () => {
    const found = await secrets(tf('resource "aws_instance" "a" {\n  user_data = "#!/bin/bash\\nexport DB_PASSWORD=letmein123\\n"\n}\n'));
    expect(found.map((f) => [f.rule_id, f.aliases])).toEqual([["SECRET_EC2_USER_DATA", []]]);
    expect(found[0]?.message).toContain("DB_PASSWORD");
    expect(found[0]?.message).not.toContain("letmein123");
  });

  it("passes a script that fetches its secret, and one that only references other resources", async () => {
    const found = await secrets(
      tf(
        [
          'resource "aws_instance" "a" {',
          "  user_data = <<EOF",
          "export DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)",
          `export DB_HOST=${TF}{aws_db_instance.main.address}`,
          "EOF",
          "}",
        ].join("\n"),
      ),
    );
    expect(found).toEqual([]);
  });

  it("cannot verify user data read from a file, and says so", async () => {
    const found = await secrets(tf('resource "aws_instance" "a" {\n  user_data = file("init.sh")\n}\n'));
    expect(found.map((f) => [f.rule_id, f.unverified, f.aliases])).toEqual([["SECRET_EC2_USER_DATA", true, ["CKV_AWS_46", "AWS-0029"]]]);
    expect(found[0]?.message).toMatch(/^Cannot verify/);
  });

  it("decodes a launch template's base64 user data", async () => {
    const encoded = Buffer.from(`#!/bin/bash\nexport AWS_ACCESS_KEY_ID=${ACCESS_KEY}\n`).toString("base64");
    const found = await secrets(tf(`resource "aws_launch_template" "t" {\n  user_data = "${encoded}"\n}\n`));
    expect(found.map((f) => [f.rule_id, f.aliases])).toEqual([["SECRET_LAUNCH_TEMPLATE_USER_DATA", ["AWS-0129"]]]);
  });

  it("reads plan-JSON-shaped resources, where absent values are null", async () => {
    const encoded = Buffer.from(`${PEM}\n`).toString("base64");
    const hits = await launchTemplateUserData.check(
      context([resource("aws_launch_template", "t", { user_data: encoded, name: null }), resource("aws_launch_template", "empty", { user_data: null })]),
    );
    expect(hits.map((h) => [h.resource, h.aliases])).toEqual([["aws_launch_template.t", ["AWS-0129"]]]);
    expect(await instanceUserData.check(context([resource("aws_instance", "i", { user_data: null, user_data_base64: null })]))).toEqual([]);
  });
});

describe("SECRET_ECS_ENVIRONMENT (AWS-0036)", () => {
  const task = (definitions: string) => `resource "aws_ecs_task_definition" "api" {\n  family = "api"\n  container_definitions = ${definitions}\n}\n`;

  it("reports literal and variable-fed secret environment entries, each naming the container", async () => {
    const found = await secrets(
      tf(
        `${task(
          'jsonencode([{ name = "api", environment = [{ name = "DB_PASSWORD", value = "s3cr3t-value" }, { name = "API_TOKEN", value = var.token }, { name = "LOG_LEVEL", value = "info" }] }])',
        )}variable "token" {}\n`,
      ),
    );
    expect(found.map((f) => [f.rule_id, f.aliases, f.message.split(":")[0]])).toEqual([
      ["SECRET_ECS_ENVIRONMENT", ["AWS-0036"], 'container "api"'],
      ["SECRET_ECS_ENVIRONMENT", ["AWS-0036"], 'container "api"'],
    ]);
    expect(found.map((f) => f.message).join("\n")).toMatch(/API_TOKEN is set from \$\{var\.token\}/);
    expect(found.map((f) => f.message).join("\n")).not.toContain("s3cr3t-value");
  });

  it("reads heredoc JSON, and reports a name only this validator calls secret without Trivy's id", async () => {
    const found = await secrets(tf(task('<<JSON\n[{"name":"web","environment":[{"name":"DB_PWD","value":"pw-literal-1"}]}]\nJSON')));
    expect(found.map((f) => [f.rule_id, f.aliases])).toEqual([["SECRET_ECS_ENVIRONMENT", []]]);
  });

  it("passes secrets passed by valueFrom, and cannot verify definitions read from a file", async () => {
    const good = await secrets(
      tf(
        task(
          'jsonencode([{ name = "api", environment = [{ name = "DB_HOST", value = "db" }], secrets = [{ name = "DB_PASSWORD", valueFrom = "arn:aws:ssm:eu-west-1:123456789012:parameter/db" }] }])',
        ),
      ),
    );
    expect(good).toEqual([]);
    const unknown = await secrets(tf(task('file("containers.json")')));
    expect(unknown.map((f) => [f.rule_id, f.unverified])).toEqual([["SECRET_ECS_ENVIRONMENT", true]]);
  });

  it("reads plan JSON values (container_definitions as a JSON string)", async () => {
    const definitions = JSON.stringify([{ name: "api", environment: [{ name: "DB_PASSWORD", value: "plan-value-1" }], secrets: null }]);
    const hits = await ecsPlaintextSecret.check(context([resource("aws_ecs_task_definition", "api", { container_definitions: definitions, family: "api" })]));
    expect(hits.map((h) => h.aliases)).toEqual([["AWS-0036"]]);
  });
});

describe("Kubernetes manifests", () => {
  const deployment = (env: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: migrate\n          image: migrate:1\n          env:\n${env}      containers:\n        - name: web\n          image: web:1\n`;

  it("reports literal credential env values, not valueFrom, references or plain settings", async () => {
    const env = [
      "            - name: DB_PASSWORD",
      "              value: hunter2hunter",
      "            - name: DATABASE_URL",
      "              value: postgres://app:pa55word@db:5432/app",
      "            - name: API_KEY",
      "              valueFrom: { secretKeyRef: { name: api, key: key } }",
      "            - name: TOKEN",
      "              value: $(OTHER_TOKEN)",
      "            - name: DB_HOST",
      "              value: db",
      "",
    ].join("\n");
    const found = await secrets([{ path: "deploy.yaml", content: deployment(env) }]);
    expect(brief(found)).toEqual([
      ["SECRET_K8S_ENV", "Deployment/shop/web", "deploy.yaml", 14],
      ["SECRET_K8S_ENV", "Deployment/shop/web", "deploy.yaml", 16],
    ]);
    expect(found.map((f) => f.message).join("\n")).not.toMatch(/hunter2hunter|pa55word/);
  });

  it("reports ConfigMap keys and embedded configuration lines holding credentials", async () => {
    const content = [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: app",
      "data:",
      "  LOG_LEVEL: info",
      "  SMTP_PASSWORD: mail-pass-1",
      "  application.properties: |",
      "    db.url=jdbc:postgresql://db/app",
      "    db.password=topsecret99",
    ].join("\n");
    const found = await secrets([{ path: "cm.yaml", content }]);
    expect(brief(found)).toEqual([
      ["SECRET_K8S_CONFIGMAP", "ConfigMap/default/app", "cm.yaml", 7],
      ["SECRET_K8S_CONFIGMAP", "ConfigMap/default/app", "cm.yaml", 8],
    ]);
  });

  it("reports a committed Secret with data as medium, naming keys but not values", async () => {
    const content = [
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      "  name: db",
      "type: Opaque",
      "data:",
      "  password: aHVudGVyMmh1bnRlcg==",
      "stringData:",
      "  username: app",
      "---",
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      "  name: empty",
    ].join("\n");
    const found = await secrets([{ path: "secret.yaml", content }]);
    expect(found.map((f) => [f.rule_id, f.severity, f.resource, f.line])).toEqual([["SECRET_K8S_SECRET_MANIFEST", "medium", "Secret/default/db", 7]]);
    expect(found[0]?.message).toContain("password, username");
    expect(found[0]?.message).not.toContain("aHVudGVy");
  });
});

describe("SECRET_CONFIG_FILE (values and other non-manifest YAML)", () => {
  it("reports literal credentials in values files, compose files and kustomize generators", async () => {
    const found = await secrets([
      {
        path: "chart/values.yaml",
        content: [
          "auth:",
          "  rootPassword: changeme",
          "  password: ''",
          "  existingSecret: db-credentials",
          "  secretKeys:",
          "    userPasswordKey: password",
          "  apiToken: '{{ .Values.global.token }}'",
          "image:",
          "  tag: '1.25'",
        ].join("\n"),
      },
      {
        path: "docker-compose.yml",
        content: "services:\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_USER=app\n      - POSTGRES_PASSWORD=compose-pass-1\n",
      },
      {
        path: "kustomization.yaml",
        content:
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n  - name: db\n    literals:\n      - password=kustomize-pass-1\n",
      },
      { path: "cfn/db.yaml", content: "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MasterUserPassword: !Ref DbPassword\n" },
      { path: ".github/workflows/ci.yml", content: "jobs:\n  deploy:\n    steps:\n      - with:\n          password: ${{ secrets.REGISTRY_PASSWORD }}\n" },
      // an External Secrets mapping names a key, it holds no credential; a secretKey without remoteRef still counts
      {
        path: "helm/app/values-prod.yaml",
        content:
          "externalSecret:\n  data:\n    - secretKey: STRIPE_API_KEY\n      remoteRef:\n        key: app-prod/stripe-api-key\nother:\n  secretKey: sk-live-literal-1\n",
      },
    ]);
    expect(brief(found)).toEqual([
      ["SECRET_CONFIG_FILE", "auth.rootPassword", "chart/values.yaml", 2],
      ["SECRET_CONFIG_FILE", "services.db.environment.1", "docker-compose.yml", 6],
      ["SECRET_CONFIG_FILE", "other.secretKey", "helm/app/values-prod.yaml", 7],
      ["SECRET_CONFIG_FILE", "secretGenerator.0.literals.0", "kustomization.yaml", 6],
    ]);
    expect(found[0]?.message).toContain("placeholder");
  });

  it("leaves manifests to the Kubernetes rules", async () => {
    const content =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: c:1\n      env:\n        - name: PASSWORD\n          value: pod-pass-123\n";
    const found = await secrets([{ path: "pod.yaml", content }]);
    expect(found.map((f) => f.rule_id)).toEqual(["SECRET_K8S_ENV"]);
  });
});

describe("masking across every rule", () => {
  it("never prints a secret found anywhere", async () => {
    const values = ["hunter2hunter", ACCESS_KEY, SECRET_KEY, "Tr0ub4dor-and-3", "cm-secret-value"];
    const found = await secrets([
      {
        path: "main.tf",
        content: `variable "db_password" {\n  default = "${values[0]}"\n}\nprovider "aws" {\n  access_key = "${values[1]}"\n  secret_key = "${values[2]}"\n}\nresource "aws_db_instance" "d" {\n  password = "${values[3]}"\n}\n`,
      },
      { path: "cm.yaml", content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  password: ${values[4]}\n` },
    ]);
    expect(found.length).toBe(5);
    const text = found.map((f) => `${f.message} ${f.remediation} ${f.resource}`).join("\n");
    for (const value of values) expect(text).not.toContain(value);
  });
});

function resource(type: string, name: string, attributes: Record<string, unknown>): TerraformResource {
  return { type, name, address: `${type}.${name}`, file: "plan.json", line: null, attributes, mode: "managed", module: "" };
}

function context(resources: TerraformResource[]): RuleContext {
  return {
    environment: "prod",
    policy: defaultOrgPolicy(),
    terraform: { resources, dataSources: [], providers: [], variables: [] },
    kubernetes: [],
    parseErrors: [],
    files: [],
    skipped: [],
  };
}

describe("names about a secret are not secrets", () => {
  it("passes a KMS key spec and the Secrets Manager ids a task is given", async () => {
    const files = tf(
      [
        'resource "aws_kms_key" "main" {\n  customer_master_key_spec = "SYMMETRIC_DEFAULT"\n  enable_key_rotation = true\n}',
        'resource "aws_ecs_task_definition" "app" {',
        '  family = "app"',
        '  container_definitions = jsonencode([{ name = "api", image = "api:1", environment = [',
        '    { name = "SECRET_JWT_SIGNING_KEY_ID", value = "orders-api/prod/jwt-signing-key" },',
        '    { name = "DB_PASSWORD", value = "pa55-Word-91x" },',
        "  ] }])",
        "}",
      ].join("\n"),
    );
    const found = (await secrets(files)).map((f) => `${f.rule_id} ${f.message}`);
    expect(found).toEqual([expect.stringMatching(/^SECRET_ECS_ENVIRONMENT .*DB_PASSWORD/)]);
  });
});
