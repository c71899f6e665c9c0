import type { BuildContext } from "../context.js";
import { call, escapeString, type HclBlock, type HclExpr, type HclValue, ref } from "../hcl.js";

/** Blocks destined for one `.tf` file; several renderers may add to the same file. */
export interface TfSection {
  file: string;
  blocks: HclBlock[];
}

/** Alias of the us-east-1 provider: CloudFront metrics and CloudFront web ACLs exist in us-east-1 only. */
export const GLOBAL_PROVIDER = "aws.us_east_1";

/** The customer-managed key, when the plan asks for one. */
export const KMS_KEY = "aws_kms_key.main";

/** `data.aws_caller_identity.current.account_id`, declared in data sources of providers.tf. */
export const ACCOUNT_ID = "data.aws_caller_identity.current.account_id";

/** The partition (`aws`, `aws-cn`, `aws-us-gov`), so ARNs are right outside the commercial regions. */
export const PARTITION = "data.aws_partition.current.partition";

/** The key's ARN for `kms_key_id`-style arguments, or undefined (AWS-managed encryption). */
export function kmsArn(ctx: BuildContext): HclExpr | undefined {
  return ctx.cmk ? ref(`${KMS_KEY}.arn`) : undefined;
}

/** Retention periods CloudWatch Logs accepts, in days. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** The plan's log retention rounded up to a value CloudWatch accepts (it rejects, say, 45). */
export function logRetentionDays(days: number): number {
  return RETENTION_DAYS.find((allowed) => allowed >= days) ?? 3653;
}

/** One IAM policy statement. */
export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: HclValue;
  Principal?: HclValue;
  Condition?: HclValue;
}

/** `jsonencode({ Version = "2012-10-17", Statement = [...] })`. */
export function policyDocument(statements: Statement[]): HclValue {
  const cleaned = statements.map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as Record<string, HclValue>);
  return call("jsonencode", { Version: "2012-10-17", Statement: cleaned });
}

/** Services known to send `aws:SourceAccount` when assuming a role (the confused-deputy guard). */
const SENDS_SOURCE_ACCOUNT = new Set(["ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"]);

/** A trust policy letting one AWS service assume the role, scoped to this account where the service allows it. */
export function assumeRolePolicy(service: string, actions: string[] = ["sts:AssumeRole"]): HclValue {
  const condition = SENDS_SOURCE_ACCOUNT.has(service) ? { StringEquals: { "aws:SourceAccount": ref(ACCOUNT_ID) } } : undefined;
  return policyDocument([{ Effect: "Allow", Principal: { Service: service }, Action: actions, Condition: condition }]);
}

/** `arn:<partition>:iam::aws:policy/<name>`, an AWS-managed policy. */
export function managedPolicy(name: string): HclExpr {
  return { expr: `"arn:\${${PARTITION}}:iam::aws:policy/${escapeString(name)}"` };
}
