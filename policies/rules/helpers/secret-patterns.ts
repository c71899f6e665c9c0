/**
 * Recognising credentials in configuration: which names hold secrets, which values are
 * references rather than secrets, well-known key formats, and how to mention a secret
 * without printing it.
 *
 * Placeholders ("changeme", "<password>") are deliberately treated as hard-coded credentials:
 * whatever literal is written is what gets deployed unless someone overrides it, and a
 * well-known placeholder is the weakest password there is. Only references are not secrets.
 */

/** Words that make a name secret-like on their own (`db_password`, `API_TOKEN`, `clientSecret`). */
const SECRET_WORDS = new Set(["password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "privatekey", "secretkey", "accesskey"]);

/** Words that, followed by `key`, name a key that is a secret (`api_key`, `private_key`, `accessKey`). */
const KEY_QUALIFIERS = new Set(["api", "access", "secret", "private", "auth", "client", "signing", "encryption", "master", "license"]);

/**
 * Last words that turn a secret-like name into a name ABOUT a secret: its length, lifetime,
 * location or identifier (`password_length`, `secret_arn`, `token_ttl`, `secretName`).
 */
const ABOUT_SUFFIXES = new Set([
  "spec",
  "specs",
  "length",
  "len",
  "ttl",
  "arn",
  "id",
  "ids",
  "name",
  "names",
  "ref",
  "file",
  "path",
  "dir",
  "url",
  "uri",
  "endpoint",
  "version",
  "type",
  "policy",
  "enabled",
  "enable",
  "disabled",
  "required",
  "rotation",
  "days",
  "seconds",
  "minutes",
  "hours",
  "period",
  "expiry",
  "expiration",
  "expires",
  "count",
  "min",
  "max",
  "size",
  "mode",
  "format",
  "prefix",
  "suffix",
  "label",
  "header",
  "location",
  "store",
  "provider",
  "manager",
  "template",
  "source",
  "kms",
  "algorithm",
  "hash",
  "reset",
  "generator",
  "strength",
  "complexity",
  "validity",
  "lifetime",
  "duration",
  "audience",
  "issuer",
  "selector",
  "mount",
  "volume",
  "env",
  "annotation",
  "annotations",
  "strategy",
  "method",
  "level",
  "scope",
  "scopes",
  "class",
  "status",
  "state",
  "usage",
  "encoding",
  "charset",
  "characters",
  "chars",
  "prevention",
  "age",
  "reuse",
]);

/** First words of names that configure how a secret is made or found (`existing_secret`, `create_random_password`). */
const ABOUT_PREFIXES = new Set([
  "existing",
  "use",
  "create",
  "generate",
  "manage",
  "random",
  "require",
  "rotate",
  "enable",
  "allow",
  "skip",
  "no",
  "is",
  "has",
  "show",
]);

/** `passwordKey: password` in a Helm chart names the key inside a Secret, not the password itself. */
const KEY_NAME_WORDS = new Set(["password", "token", "user", "username", "secret"]);

/** Lower-case words of a name: `dbPassword`, `DB_PASSWORD`, `db-password` and `db.password` all give [db, password]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/**
 * True when a key or variable name says it holds a credential: `password`, `master_password`,
 * `auth_token`, `secret_key`, `apiKey`, `DB_PASSWD`. False for names about a credential:
 * `password_length`, `secret_arn`, `token_ttl`, `existingSecret`, `passwordKey`.
 */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1];
  const first = words[0];
  if (last === undefined || first === undefined) return false;
  if (ABOUT_SUFFIXES.has(last) || ABOUT_PREFIXES.has(first)) return false;
  // `passwordKey`, `userPasswordKey`: the key of a Secret that holds the password.
  if (last === "key" && words.length >= 2 && KEY_NAME_WORDS.has(words[words.length - 2] ?? "") && words[words.length - 2] !== "secret") return false;
  return words.some((word, index) => SECRET_WORDS.has(word) || (word === "key" && index > 0 && KEY_QUALIFIERS.has(words[index - 1] ?? "")));
}

/**
 * True when a value is not a secret but a way of getting one: a Terraform, shell, Helm or
 * GitHub Actions expression (`${var.x}`, `$DB_PASSWORD`, `$(cat /run/secrets/x)`,
 * `{{ .Values.x }}`, `${{ secrets.X }}`), an ARN or secret-store reference, a file path, or a
 * value encrypted by sops (`ENC[AES256_GCM,...]`).
 */
export function isReference(value: string): boolean {
  const text = value.trim();
  if (/\$\{|\{\{|\$\(|%\{/.test(text)) return true;
  if (/^\$[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return true;
  if (/^(arn:|ref\+|vault:|secretsmanager:|ssm:|awssecretsmanager:|gcpsecrets:|azurekeyvault:)/i.test(text)) return true;
  if (/^(\/|\.\/|~\/)\S*$/.test(text)) return true;
  if (/^ENC\[/.test(text)) return true;
  return false;
}

/** A literal that could be a credential: a non-empty string (or a number written as one) that is no reference. */
export function literalSecret(value: unknown): string | undefined {
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") return undefined;
  if (value.trim() === "" || isReference(value)) return undefined;
  return value;
}

/**
 * The secret described without giving it away: its first two characters and its length
 * (only the length below 8 characters, where two characters would reveal too much).
 */
export function mask(secret: string): string {
  const length = [...secret].length;
  if (length < 8) return `<${length} characters>`;
  return `"${[...secret].slice(0, 2).join("")}…" (${length} characters)`;
}

/** What a pattern scan found in some text. */
export interface KeyMatch {
  /** human description, e.g. "an AWS access key id" */
  kind: string;
  /** the matched text (never printed: see {@link mask}) */
  match: string;
  /** 0-based character offset of the match */
  index: number;
  /** private keys are a separate rule from cloud keys */
  family: "cloud" | "private";
  /**
   * True when Trivy's secret scanner (squealer, used by AWS-0029, AWS-0036, AWS-0122, AWS-0129)
   * reports the same pattern, so a finding may carry those ids.
   */
  trivy: boolean;
}

interface KeyPattern {
  kind: string;
  family: "cloud" | "private";
  pattern: RegExp;
  trivy: boolean;
  /** the group holding the secret, when the pattern includes context */
  group?: number;
}

/** Formats publicly documented by their issuers (AWS, GitHub, Slack, Stripe, Google), plus PEM private keys. */
const KEY_PATTERNS: readonly KeyPattern[] = [
  { kind: "an AWS access key id", family: "cloud", pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g, trivy: true },
  {
    kind: "an AWS secret access key",
    family: "cloud",
    // Forty base64 characters are only a secret key next to a name that says so.
    pattern: /aws_?secret\w*["']?\s*[=:]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 1,
    trivy: true,
  },
  {
    kind: "an AWS secret access key",
    family: "cloud",
    // The same shape next to the provider's own attribute names (`secret_key`, `secretAccessKey`).
    pattern:
      /(?<![\w])(?:secret_?access_?key|secret_?key)["']?\s*[=:]\s*["']?((?=[A-Za-z0-9/+=]{0,39}[A-Z])(?=[A-Za-z0-9/+=]{0,39}[a-z0-9])[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 1,
    trivy: false,
  },
  { kind: "a GitHub token", family: "cloud", pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}/g, trivy: false },
  { kind: "a Slack token", family: "cloud", pattern: /(?<![A-Za-z0-9])xox[baprs]-[0-9A-Za-z-]{10,72}/g, trivy: true },
  {
    kind: "a Slack webhook URL",
    family: "cloud",
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9_]{8,}\/B[A-Za-z0-9_]{8,}\/[A-Za-z0-9_]{24}/g,
    trivy: true,
  },
  { kind: "a Stripe live secret key", family: "cloud", pattern: /(?<![A-Za-z0-9_])[sr]k_live_[0-9A-Za-z]{24,99}/g, trivy: false },
  { kind: "a Google API key", family: "cloud", pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, trivy: false },
  {
    kind: "a private key",
    family: "private",
    pattern: /-----BEGIN ((EC|PGP|DSA|RSA|OPENSSH) )?PRIVATE KEY( BLOCK)?-----/g,
    trivy: true,
  },
  { kind: "an encrypted private key", family: "private", pattern: /-----BEGIN ENCRYPTED PRIVATE KEY-----/g, trivy: false },
];

/** Every well-known credential format found in `text`, in order of position. */
export function findKeys(text: string): KeyMatch[] {
  const found: KeyMatch[] = [];
  for (const { kind, family, pattern, trivy, group } of KEY_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const secret = group ? (match[group] ?? match[0]) : match[0];
      const index = (match.index ?? 0) + (group ? match[0].indexOf(secret) : 0);
      found.push({ kind, family, match: secret, index, trivy });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** A `NAME=value` (or `NAME: value`) assignment found in a script or list item. */
export interface Assignment {
  name: string;
  value: string;
  index: number;
}

/**
 * Secret-like assignments with a literal value in shell-like text (user data, `KEY=value`
 * list items): `export DB_PASSWORD=hunter2`, `DB_PASSWORD="hunter2"`, `password: hunter2`.
 * Values read from elsewhere (`$(aws secretsmanager ...)`, `$VAR`, `${...}`) are not reported.
 */
export function secretAssignments(text: string): Assignment[] {
  const found: Assignment[] = [];
  const pattern = /(?<![\w.-])([A-Za-z_][\w.-]*)\s*(?:=|:\s)\s*("[^"\n]*"|'[^'\n]*'|[^\s"'#;&|]+)/g;
  for (const match of text.matchAll(pattern)) {
    const name = match[1] ?? "";
    const raw = match[2] ?? "";
    const value = raw.replace(/^["']|["']$/g, "");
    if (!isSecretName(name) || literalSecret(value) === undefined) continue;
    if (value.startsWith("$")) continue;
    found.push({ name, value, index: match.index ?? 0 });
  }
  return found;
}

/** A URL carrying a password (`postgres://app:hunter2@db:5432/app`). */
export function urlPasswords(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'$]+:([^\s@/"'$]+)@[^\s"']+/gi)) {
    const password = match[1] ?? "";
    if (literalSecret(password) !== undefined && !password.startsWith("{")) found.push(password);
  }
  return found;
}

/** The 1-based line of a character offset. */
export function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
