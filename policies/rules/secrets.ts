import { parse as parseHcl } from "@cdktn/hcl2json";
import { isScalar, LineCounter, type Node, parseAllDocuments } from "yaml";
import { decodeDocument } from "../../iac/hcl-expression.js";
import type { IacFile, TerraformResource } from "../../iac/types.js";
import { lineIndex, toPointer } from "../../iac/yaml-lines.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { findCharts } from "./helm.js";
import { ALL_CONTAINERS, containerLabel, containers, isObj, k8sHit, objectRef, workloads } from "./helpers/kubernetes.js";
import { findKeys, isSecretName, type KeyMatch, lineOf, literalSecret, mask, secretAssignments, urlPasswords } from "./helpers/secret-patterns.js";
import { hit, ofType, str } from "./helpers/terraform.js";

type Attrs = Record<string, unknown>;

const TF_HEADER = /^(resource|data)\s+"([^"]+)"\s+"([^"]+)"|^(provider|variable|module|output)\s+"([^"]+)"|^(locals|terraform)\s*\{/;

// ---------------------------------------------------------------------------------------------
// Where a secret sits: the Terraform block, Kubernetes object or file around a line.
// ---------------------------------------------------------------------------------------------

/**
 * The name of what encloses `line` of `file`: a Terraform block address (from the block header
 * above the line, so a `count = 0` resource or a `locals` block is still named), the Kubernetes
 * object of the YAML document, or else the file itself.
 */
export function enclosing(ctx: RuleContext, file: IacFile, line: number): string {
  if (/\.(tf|tfvars)$/i.test(file.path)) {
    const lines = file.content.split("\n");
    for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
      const header = (lines[i] ?? "").match(TF_HEADER);
      if (header) return terraformAddress(ctx, file.path, header);
    }
    return file.path;
  }
  const candidates = [...allTerraform(ctx), ...ctx.kubernetes].filter((item) => item.file === file.path && item.line !== null && item.line <= line);
  const nearest = candidates.sort((a, b) => (b.line ?? 0) - (a.line ?? 0))[0];
  if (!nearest) return file.path;
  return "kind" in nearest ? objectRef(nearest) : nearest.address;
}

function allTerraform(ctx: RuleContext): TerraformResource[] {
  return [...ctx.terraform.resources, ...ctx.terraform.dataSources, ...ctx.terraform.providers, ...ctx.terraform.variables];
}

/** `aws_db_instance.main` (with its module prefix when the parser knows the block), `provider.aws`, `var.x`, `locals`. */
function terraformAddress(ctx: RuleContext, path: string, header: RegExpMatchArray): string {
  const [, mode, type, name, kind, label, bare] = header;
  if (bare) return bare;
  if (mode && type && name) {
    const local = `${mode === "data" ? "data." : ""}${type}.${name}`;
    const known = allTerraform(ctx).find((r) => r.file === path && r.type === type && r.name === name);
    return known ? known.address.replace(/\[[^\]]*\]$/, "") : local;
  }
  if (kind === "variable") return `var.${label}`;
  return `${kind}.${label}`;
}

/** True when SECRET_CLOUD_KEY / SECRET_PRIVATE_KEY report this name and value already, at a higher severity. */
function knownKey(name: string, value: string): boolean {
  return findKeys(`${name} = "${value}"`).length > 0;
}

/** Text that says a literal is deployed as written, so a placeholder is no excuse. */
function literalNote(value: string): string {
  return /^(changeme|change[-_]?me|password|secret|admin|default|example|test|todo|xxx+|replace[-_]?me|<.*>)$/i.test(value.trim())
    ? " It looks like a placeholder, but it is what gets deployed unless something overrides it."
    : "";
}

// ---------------------------------------------------------------------------------------------
// Well-known key formats and private keys, in the text of every file.
// ---------------------------------------------------------------------------------------------

/**
 * Key matches the resource-level rules (EC2 user data, ECS environment) already report, as
 * `file\0match`, so the file-wide scan does not report the same key twice.
 */
async function reportedByResourceRules(ctx: RuleContext): Promise<Set<string>> {
  const covered = new Set<string>();
  for (const resource of ofType(ctx, ...USER_DATA_TYPES)) {
    for (const attribute of ["user_data", "user_data_base64"]) {
      const data = await readUserData(resource.attributes[attribute]);
      for (const key of data ? findKeys(data.text) : []) covered.add(`${resource.file}\0${key.match}`);
    }
  }
  for (const resource of ofType(ctx, "aws_ecs_task_definition")) {
    for (const env of await ecsEnvironment(resource)) {
      for (const key of findKeys(env.value)) covered.add(`${resource.file}\0${key.match}`);
    }
  }
  return covered;
}

async function keyHits(ctx: RuleContext, family: KeyMatch["family"]): Promise<RuleHit[]> {
  const covered = await reportedByResourceRules(ctx);
  const hits: RuleHit[] = [];
  for (const file of ctx.files) {
    const seen = new Set<string>();
    for (const key of findKeys(file.content)) {
      if (key.family !== family || covered.has(`${file.path}\0${key.match}`)) continue;
      const line = lineOf(file.content, key.index);
      if (seen.has(`${line}\0${key.kind}`)) continue;
      seen.add(`${line}\0${key.kind}`);
      const shown = family === "private" ? "" : ` ${mask(key.match)}`;
      hits.push({
        resource: enclosing(ctx, file, line),
        file: file.path,
        line,
        message: `${file.path} holds ${key.kind}${shown} in plain text: anyone who can read the repository can use it.`,
      });
    }
  }
  return hits;
}

export const cloudKey: Rule = {
  id: "SECRET_CLOUD_KEY",
  title: "Cloud or API access key written in the code",
  severity: "critical",
  aliases: [],
  target: "any",
  remediation:
    "Revoke the key now (it is in the repository history), then give the workload an IAM role, instance profile or IRSA, or read the key from a secret store at run time.",
  check: (ctx) => keyHits(ctx, "cloud"),
};

export const privateKey: Rule = {
  id: "SECRET_PRIVATE_KEY",
  title: "Private key written in the code",
  severity: "critical",
  aliases: [],
  target: "any",
  remediation:
    "Replace the key pair (the private key is in the repository history) and load the new key from a secret store (Secrets Manager, SSM SecureString, a Kubernetes Secret created outside the repository).",
  check: (ctx) => keyHits(ctx, "private"),
};

// ---------------------------------------------------------------------------------------------
// Terraform: secret-like attributes set to literals, and secret-like variables with defaults.
// ---------------------------------------------------------------------------------------------

/** `name = "value"` in HCL (also inline in `{ a = "x", b = "y" }`), with the key optionally quoted. */
const HCL_ASSIGNMENT = /(?<![\w.-])(?:"([^"\n]+)"|([A-Za-z_][\w-]*))\s*=\s*"((?:[^"\\\n]|\\.)*)"/g;

/** Secret-like assignments of literal strings in an HCL file (`.tf`, `.tfvars`), skipping heredocs and comments. */
function hclLiterals(file: IacFile): { key: string; value: string; line: number }[] {
  const found: { key: string; value: string; line: number }[] = [];
  let heredoc: string | null = null;
  let blockComment = false;
  file.content.split("\n").forEach((text, index) => {
    if (heredoc !== null) {
      if (text.trim() === heredoc) heredoc = null;
      return;
    }
    if (blockComment) {
      if (text.includes("*/")) blockComment = false;
      return;
    }
    const trimmed = text.trim();
    if (trimmed.startsWith("#") || trimmed.startsWith("//")) return;
    if (trimmed.startsWith("/*")) {
      blockComment = !trimmed.includes("*/");
      return;
    }
    for (const match of text.matchAll(HCL_ASSIGNMENT)) {
      const key = match[1] ?? match[2] ?? "";
      const value = match[3] ?? "";
      if (isSecretName(key) && literalSecret(value) !== undefined) found.push({ key, value, line: index + 1 });
    }
    // Heredoc bodies are scripts and documents: user data has its own rules.
    const opener = text.match(/<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)?\s*$/);
    if (opener?.[1]) heredoc = opener[1];
  });
  return found;
}

/** Secret-like keys with literal string values anywhere in a `.tf.json` file. */
function jsonLiterals(file: IacFile): { key: string; value: string; line: number }[] {
  let body: unknown;
  try {
    body = JSON.parse(file.content);
  } catch {
    return [];
  }
  const found: { key: string; value: string; line: number }[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isObj(value)) {
      for (const [key, child] of Object.entries(value)) {
        const literal = typeof child === "string" && isSecretName(key) ? literalSecret(child) : undefined;
        if (literal !== undefined) found.push({ key, value: literal, line: jsonLine(file.content, key, literal) });
        else visit(child);
      }
    }
  };
  visit(body);
  return found;
}

function jsonLine(content: string, key: string, value: string): number {
  const at = content.indexOf(`${JSON.stringify(key)}`);
  const exact = content.indexOf(`${JSON.stringify(value)}`, Math.max(at, 0));
  return lineOf(content, exact >= 0 ? exact : Math.max(at, 0));
}

/** An SSM SecureString whose value is written in the code, which defeats the point of SecureString. */
function secureStringHits(ctx: RuleContext): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const parameter of ofType(ctx, "aws_ssm_parameter")) {
    if (str(parameter.attributes.type) !== "SecureString") continue;
    const value = literalSecret(parameter.attributes.value);
    if (value === undefined) continue;
    const file = ctx.files.find((f) => f.path === parameter.file);
    // Only a literal in the source is hard-coded; a value from a variable is reported at the variable.
    if (!file?.content.match(new RegExp(`"?value"?\\s*[=:]\\s*${escapeRegExp(JSON.stringify(value))}`))) continue;
    hits.push(hit(parameter, `SecureString parameter value is a hard-coded literal ${mask(value)}: it is encrypted in SSM but readable in the code.`));
  }
  return hits;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export const terraformLiteral: Rule = {
  id: "SECRET_TF_ATTRIBUTE",
  title: "Credential hard-coded in a Terraform attribute",
  severity: "high",
  aliases: [],
  target: "terraform",
  remediation:
    "Remove the literal: generate it (random_password, manage_master_user_password = true) or read it from Secrets Manager / SSM with a data source, and rotate the exposed value.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const file of ctx.files) {
      const isHcl = /\.(tf|tfvars)$/i.test(file.path);
      const isJson = /\.tf(vars)?\.json$/i.test(file.path);
      if (!isHcl && !isJson) continue;
      for (const { key, value, line } of isHcl ? hclLiterals(file) : jsonLiterals(file)) {
        // Known key formats are reported, at a higher severity, by SECRET_CLOUD_KEY / SECRET_PRIVATE_KEY.
        if (knownKey(key, value)) continue;
        hits.push({
          resource: enclosing(ctx, file, line),
          file: file.path,
          line,
          message: `${key} is set to a hard-coded value ${mask(value)} in ${file.path}.${literalNote(value)}`,
        });
      }
    }
    return [...hits, ...secureStringHits(ctx)];
  },
};

/** The line of `default` inside a variable block, else the block's own line. */
function defaultLine(ctx: RuleContext, variable: TerraformResource): number | null {
  const file = ctx.files.find((f) => f.path === variable.file);
  if (!file || variable.line === null) return variable.line;
  const lines = file.content.split("\n");
  for (let i = variable.line - 1; i < Math.min(lines.length, variable.line + 40); i++) {
    if (/^\s*"?default"?\s*[=:]/.test(lines[i] ?? "")) return i + 1;
  }
  return variable.line;
}

export const variableDefault: Rule = {
  id: "SECRET_TF_VARIABLE_DEFAULT",
  title: "Secret variable has a hard-coded default",
  severity: "high",
  aliases: [],
  target: "terraform",
  remediation:
    "Remove the default (mark the variable sensitive = true) and pass the value at apply time from a secret store or TF_VAR_ environment variable; rotate the exposed value.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const variable of ctx.terraform.variables) {
      if (!isSecretName(variable.name)) continue;
      const value = literalSecret(variable.attributes.default);
      if (value === undefined || knownKey(variable.name, value)) continue;
      hits.push({
        resource: variable.address,
        file: variable.file,
        line: defaultLine(ctx, variable),
        message: `variable "${variable.name}" defaults to a hard-coded value ${mask(value)}: it is used whenever no value is given.${literalNote(value)}`,
      });
    }
    return hits;
  },
};

// ---------------------------------------------------------------------------------------------
// EC2 user data (AWS-0029 instances, AWS-0129 launch templates, AWS-0122 launch configurations).
// ---------------------------------------------------------------------------------------------

const USER_DATA_TYPES = ["aws_instance", "aws_launch_template", "aws_launch_configuration"];

/** User data as text, and whether part of it is hidden behind a function call (`file()`, `templatefile()`). */
interface UserData {
  text: string;
  opaque: boolean;
}

/**
 * Reads user data as the instance will see it: a literal (decoded when it is base64, as launch
 * templates require), the literal inside `base64encode(...)`, or an interpolated string whose
 * literal parts can be read. Undefined when there is no user data.
 */
export async function readUserData(value: unknown): Promise<UserData | undefined> {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const call = value.trim().match(/^\$\{\s*base64encode\(([\s\S]*)\)\s*\}$/);
  if (call?.[1]) {
    const inner = await hclValue(call[1]);
    return typeof inner === "string" ? readUserData(inner) : { text: value, opaque: true };
  }
  if (!value.includes("${")) return { text: decodeBase64(value) ?? value, opaque: false };
  // A reference (`${var.x}`, `${aws_db_instance.x.address}`) is not a literal secret; a function
  // call (`file()`, `templatefile()`) hides text this validator cannot read.
  return { text: value, opaque: /\$\{[^}]*\(/.test(value) };
}

/** An HCL expression's value, as hcl2json gives it (references stay `${...}`). */
async function hclValue(expression: string): Promise<unknown> {
  try {
    const parsed = (await parseHcl("user-data.tf", `v = ${expression}\n`)) as { v?: unknown };
    return parsed.v;
  } catch {
    return undefined;
  }
}

/** The decoded text when `value` is entirely base64 of readable text (launch template user data). */
function decodeBase64(value: string): string | undefined {
  const compact = value.replace(/\s+/g, "");
  if (compact.length < 8 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  const text = Buffer.from(compact, "base64").toString("utf8");
  const readable = [...text].filter((ch) => ch === "\t" || ch === "\n" || ch === "\r" || (ch >= " " && ch <= "~")).length;
  return readable / Math.max(text.length, 1) > 0.95 ? text : undefined;
}

/**
 * A "Cannot verify" hit for an attribute built by a function this validator does not run
 * (`file()`, `templatefile()`): the check is critical, so it does not pass unseen text.
 */
function unreadable(resource: TerraformResource, attribute: string, value: unknown, aliases: readonly string[]): RuleHit {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  const short = shown.length > 120 ? `${shown.slice(0, 117)}...` : shown;
  return {
    ...hit(
      resource,
      `Cannot verify: ${attribute} is ${short}, whose content is not known before apply (a file or template not read, or a value given at apply time), so it was not checked for secrets.`,
      "Validate the plan JSON (terraform show -json), where Terraform has resolved the value, or check the file or template it is built from.",
    ),
    aliases,
    unverified: true,
  };
}

/** Descriptions of the secrets in user data, and whether Trivy's scanner would see one of them. */
function userDataSecrets(text: string): { found: string[]; trivy: boolean } {
  const keys = findKeys(text);
  const found = [
    ...keys.map((key) => `${key.kind}${key.family === "private" ? "" : ` ${mask(key.match)}`}`),
    ...secretAssignments(text)
      .filter((assignment) => findKeys(assignment.value).length === 0)
      .map((assignment) => `${assignment.name} set to ${mask(assignment.value)}`),
    ...urlPasswords(text).map((password) => `a URL with the password ${mask(password)}`),
  ];
  return { found, trivy: keys.some((key) => key.trivy) };
}

function userDataRule(rule: { id: string; title: string; severity: Rule["severity"]; aliases: string[]; type: string; what: string }): Rule {
  return {
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    aliases: rule.aliases,
    target: "terraform",
    remediation:
      "Remove the secret from user data: give the instance an IAM instance profile, and have the boot script fetch secrets from Secrets Manager or SSM Parameter Store; rotate what was exposed.",
    async check(ctx) {
      const hits: RuleHit[] = [];
      for (const resource of ofType(ctx, rule.type)) {
        let opaque: { attribute: string; value: unknown } | undefined;
        const found: string[] = [];
        let trivy = false;
        for (const attribute of ["user_data", "user_data_base64"]) {
          const data = await readUserData(resource.attributes[attribute]);
          if (!data) continue;
          const secrets = userDataSecrets(data.text);
          found.push(...secrets.found);
          trivy ||= secrets.trivy;
          if (data.opaque) opaque ??= { attribute, value: resource.attributes[attribute] };
        }
        if (found.length > 0) {
          hits.push({
            ...hit(resource, `User data of this ${rule.what} holds ${found.join(", ")}; anyone allowed to describe the ${rule.what} can read it.`),
            aliases: trivy ? rule.aliases : [],
          });
        } else if (opaque) {
          hits.push(unreadable(resource, opaque.attribute, opaque.value, rule.aliases));
        }
      }
      return hits;
    },
  };
}

export const instanceUserData = userDataRule({
  id: "SECRET_EC2_USER_DATA",
  title: "EC2 instance user data contains secrets",
  severity: "critical",
  aliases: ["CKV_AWS_46", "AWS-0029"],
  type: "aws_instance",
  what: "instance",
});

export const launchTemplateUserData = userDataRule({
  id: "SECRET_LAUNCH_TEMPLATE_USER_DATA",
  title: "Launch template user data contains secrets",
  severity: "critical",
  aliases: ["AWS-0129"],
  type: "aws_launch_template",
  what: "launch template",
});

export const launchConfigurationUserData = userDataRule({
  id: "SECRET_LAUNCH_CONFIGURATION_USER_DATA",
  title: "Launch configuration user data contains secrets",
  severity: "high",
  aliases: ["AWS-0122"],
  type: "aws_launch_configuration",
  what: "launch configuration",
});

// ---------------------------------------------------------------------------------------------
// ECS task definitions: secrets in `environment` instead of `secrets` (AWS-0036).
// ---------------------------------------------------------------------------------------------

interface EcsEnv {
  container: string;
  name: string;
  /** the value as written, `${...}` when it comes from a variable or another resource */
  value: string;
}

/** Every `environment` entry of every container; none when the definitions cannot be read. */
async function ecsEnvironment(resource: TerraformResource): Promise<EcsEnv[]> {
  return (await ecsEnvironmentOrUnknown(resource)) ?? [];
}

/** Every `environment` entry of every container, or undefined when the definitions cannot be read (`file()`). */
async function ecsEnvironmentOrUnknown(resource: TerraformResource): Promise<EcsEnv[] | undefined> {
  const raw = resource.attributes.container_definitions;
  if (raw === undefined || raw === null || raw === "") return [];
  const decoded = await decodeDocument(raw);
  if (decoded === undefined) return undefined;
  const list = Array.isArray(decoded) ? decoded : [decoded];
  const out: EcsEnv[] = [];
  list.filter(isObj).forEach((container, index) => {
    const name = typeof container.name === "string" ? container.name : `#${index}`;
    for (const env of Array.isArray(container.environment) ? container.environment.filter(isObj) : []) {
      if (typeof env.name !== "string") continue;
      const value = typeof env.value === "string" ? env.value : typeof env.value === "number" ? String(env.value) : "";
      out.push({ container: name, name: env.name, value });
    }
  });
  return out;
}

/** Trivy AWS-0036's own test of a name: one of its words, or containing one unless it starts with an allowed prefix. */
function trivySensitiveName(name: string): boolean {
  const lower = name.toLowerCase();
  const tokens = ["password", "secret", "private_key", "aws_access_key_id", "aws_secret_access_key", "token", "api_key"];
  if (tokens.includes(lower)) return true;
  return tokens.some((token) => lower.includes(token)) && !["token_type", "version"].some((prefix) => lower.startsWith(prefix));
}

export const ecsPlaintextSecret: Rule = {
  id: "SECRET_ECS_ENVIRONMENT",
  title: "ECS task definition passes a secret as a plaintext environment variable",
  severity: "critical",
  aliases: ["AWS-0036"],
  target: "terraform",
  remediation:
    'Move the value to the container\'s "secrets" list (valueFrom = a Secrets Manager or SSM parameter ARN) so it is not stored in the task definition.',
  async check(ctx) {
    const hits: RuleHit[] = [];
    for (const resource of ofType(ctx, "aws_ecs_task_definition")) {
      const environment = await ecsEnvironmentOrUnknown(resource);
      if (environment === undefined) {
        hits.push(unreadable(resource, "container_definitions", resource.attributes.container_definitions, ["AWS-0036"]));
        continue;
      }
      for (const env of environment) {
        const found = ecsProblem(env);
        if (found) hits.push({ ...hit(resource, `container "${env.container}": ${found.message}`), aliases: found.trivy ? ["AWS-0036"] : [] });
      }
    }
    return hits;
  },
};

/** What is wrong with one environment entry, if anything. */
function ecsProblem(env: EcsEnv): { message: string; trivy: boolean } | undefined {
  if (env.value.trim() === "") return undefined;
  const keys = findKeys(env.value);
  if (keys.length > 0) {
    const key = keys[0] as KeyMatch;
    return { message: `environment ${env.name} holds ${key.kind} ${mask(key.match)} in plain text.`, trivy: keys.some((k) => k.trivy) };
  }
  const trivy = trivySensitiveName(env.name);
  const ours = isSecretName(env.name);
  const literal = literalSecret(env.value);
  // Trivy matches names by substring, so `SECRET_DB_PASSWORD_ID` (the id of a secret in Secrets
  // Manager) would count; a name about a secret (ending in _id, _arn, _name, ...) holds no secret.
  if (literal !== undefined && ours) {
    return { message: `environment ${env.name} is set to a hard-coded value ${mask(literal)}, stored in the task definition in plain text.`, trivy };
  }
  // A value from a variable or another resource is not hard-coded, but it still sits in the
  // task definition in plain text, which is what Trivy's check is about.
  if (literal === undefined && trivy && ours) {
    return { message: `environment ${env.name} is set from ${env.value}; the value is stored in the task definition in plain text.`, trivy };
  }
  const passwords = urlPasswords(env.value);
  if (passwords[0]) return { message: `environment ${env.name} holds a URL with the password ${mask(passwords[0])}.`, trivy: false };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes: literal env values, ConfigMaps, Secret objects.
// ---------------------------------------------------------------------------------------------

export const k8sEnvLiteral: Rule = {
  id: "SECRET_K8S_ENV",
  title: "Container env sets a credential as a literal value",
  severity: "high",
  aliases: [],
  target: "kubernetes",
  remediation: "Put the value in a Secret created outside the repository and use env[].valueFrom.secretKeyRef (or envFrom.secretRef).",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const pod of workloads(ctx)) {
      for (const c of containers(pod, ALL_CONTAINERS)) {
        const env = Array.isArray(c.container.env) ? c.container.env : [];
        env.forEach((entry, index) => {
          if (!isObj(entry) || typeof entry.name !== "string" || entry.valueFrom !== undefined) return;
          const problem = envProblem(entry.name, entry.value);
          if (problem) hits.push(k8sHit(pod.object, `${containerLabel(c)} env ${entry.name} ${problem}`, [...c.path, "env", index, "value"]));
        });
      }
    }
    return hits;
  },
};

/** Why a name/value pair is a hard-coded credential, or null. Known key formats are left to SECRET_CLOUD_KEY. */
function envProblem(name: string, value: unknown): string | null {
  const literal = literalSecret(value);
  if (literal === undefined || knownKey(name, literal)) return null;
  if (isSecretName(name)) return `is set to a hard-coded value ${mask(literal)}.${literalNote(literal)}`;
  const passwords = urlPasswords(literal);
  if (passwords[0]) return `holds a URL with the password ${mask(passwords[0])}.`;
  return null;
}

export const configMapSecret: Rule = {
  id: "SECRET_K8S_CONFIGMAP",
  title: "ConfigMap holds a credential",
  severity: "high",
  aliases: [],
  target: "kubernetes",
  remediation: "Move the credential to a Secret (created outside the repository, or sealed/external) and mount or reference that instead of the ConfigMap.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const object of ctx.kubernetes.filter((o) => o.kind === "ConfigMap")) {
      const data = isObj(object.object.data) ? object.object.data : {};
      for (const [key, value] of Object.entries(data)) {
        const problem = envProblem(key, value);
        if (problem) {
          hits.push(k8sHit(object, `ConfigMap key ${key} ${problem} ConfigMaps are readable by anyone allowed to read configuration.`, ["data", key]));
          continue;
        }
        // A whole configuration file as a value: look for `db.password=...` lines inside it.
        const inside = typeof value === "string" ? secretAssignments(value).filter((a) => findKeys(a.value).length === 0) : [];
        if (inside[0]) hits.push(k8sHit(object, `ConfigMap key ${key} sets ${inside[0].name} to a hard-coded value ${mask(inside[0].value)}.`, ["data", key]));
      }
    }
    return hits;
  },
};

export const committedSecret: Rule = {
  id: "SECRET_K8S_SECRET_MANIFEST",
  title: "Secret object with its data committed to the repository",
  severity: "medium",
  aliases: [],
  target: "kubernetes",
  remediation:
    "Do not commit Secret data: create the Secret from a secret store (External Secrets Operator, Sealed Secrets, SOPS, CSI secrets store) and keep only the reference in the repository.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const object of ctx.kubernetes.filter((o) => o.kind === "Secret")) {
      const keys = (["data", "stringData"] as const).flatMap((field) => {
        const values = isObj(object.object[field]) ? (object.object[field] as Attrs) : {};
        return Object.entries(values)
          .filter(([, value]) => literalSecret(value) !== undefined)
          .map(([key]) => ({ field, key }));
      });
      const first = keys[0];
      if (!first) continue;
      const names = keys.map((k) => k.key).join(", ");
      hits.push(
        k8sHit(
          object,
          `Secret ${objectRef(object)} commits ${keys.length} value(s) (${names}) to the repository; Secret data is only base64-encoded, not encrypted.`,
          [first.field, first.key],
        ),
      );
    }
    return hits;
  },
};

// ---------------------------------------------------------------------------------------------
// YAML that is not a manifest: Helm values files, compose files, CI configuration.
// ---------------------------------------------------------------------------------------------

/** True for documents the Kubernetes parser takes as objects (and leaves to the rules above). */
function isManifest(value: unknown): boolean {
  if (!isObj(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") return false;
  // Kustomize configuration is not sent to a cluster, but its secretGenerator literals are secrets all the same.
  return !/^(kustomize\.config\.k8s\.io|config\.kubernetes\.io|kpt\.dev)\//.test(value.apiVersion);
}

/** Secret-like keys with literal values in one YAML file's non-manifest documents. */
function yamlFileHits(file: IacFile): RuleHit[] {
  const counter = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(file.content, { lineCounter: counter });
  } catch {
    return [];
  }
  if (!Array.isArray(docs)) return [];
  const hits: RuleHit[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      continue;
    }
    if (isManifest(value)) continue;
    const lines = lineIndex(doc.contents as Node | null, counter);
    walkYaml(value, [], (path, problem) => {
      // `!Ref DbPassword` (CloudFormation) or `!vault path`: a custom tag makes the scalar a reference.
      const node = doc.getIn(path, true);
      if (isScalar(node) && node.tag && !node.tag.startsWith("tag:yaml.org,2002:")) return;
      const pointer = toPointer(path);
      hits.push({ resource: path.join(".") || file.path, file: file.path, line: lines[pointer] ?? null, message: `${path.join(".")} ${problem}` });
    });
  }
  return hits;
}

function walkYaml(value: unknown, path: (string | number)[], report: (path: (string | number)[], problem: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      // `- DB_PASSWORD=hunter2` (compose environment, kustomize secretGenerator literals)
      const assignment = typeof item === "string" ? secretAssignments(item).find((a) => a.index === 0 && findKeys(a.value).length === 0) : undefined;
      if (assignment) report([...path, index], `sets ${assignment.name} to a hard-coded value ${mask(assignment.value)}.${literalNote(assignment.value)}`);
      else walkYaml(item, [...path, index], report);
    });
    return;
  }
  if (!isObj(value)) return;
  // An External Secrets mapping (`secretKey: STRIPE_API_KEY` beside `remoteRef: { key }`) names where a
  // secret comes from and goes to: a reference, no credential in it.
  const reference = "remoteRef" in value && isObj(value.remoteRef);
  for (const [key, child] of Object.entries(value)) {
    if (reference && key === "secretKey") continue;
    // GitHub Actions `permissions: { id-token: write }` grants the job a scope: no credential in it.
    if (key === "permissions" && isObj(child) && Object.values(child).every((scope) => scope === "read" || scope === "write" || scope === "none")) continue;
    const problem = isObj(child) || Array.isArray(child) ? null : envProblem(key, child);
    if (problem) report([...path, key], problem);
    else walkYaml(child, [...path, key], report);
  }
}

export const configFileSecret: Rule = {
  id: "SECRET_CONFIG_FILE",
  title: "Credential hard-coded in a values or configuration file",
  severity: "high",
  aliases: [],
  target: "any",
  remediation:
    "Leave the value empty in the file and supply it at deploy time (helm --set from a secret store, an existingSecret reference, External Secrets); rotate the exposed value.",
  check(ctx) {
    // Helm templates are not YAML until rendered (HELM_CHART_NOT_RENDERED says so).
    const templates = new Set(findCharts(ctx.files).flatMap((chart) => chart.templates));
    return ctx.files.filter((file) => /\.ya?ml$/i.test(file.path) && !templates.has(file.path)).flatMap(yamlFileHits);
  },
};

/** Hard-coded credential rules, over Terraform, Kubernetes manifests and any other file given. */
export const secretRules: readonly Rule[] = [
  cloudKey,
  privateKey,
  terraformLiteral,
  variableDefault,
  instanceUserData,
  launchTemplateUserData,
  launchConfigurationUserData,
  ecsPlaintextSecret,
  k8sEnvLiteral,
  configMapSecret,
  committedSecret,
  configFileSecret,
];
