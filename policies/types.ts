import type { KubernetesObject, ParseError, TerraformResource } from "../iac/types.js";
import type { OrgPolicy } from "./org-policy-schema.js";
import type { Environment, Severity } from "./severity.js";

export { atLeast, ENVIRONMENTS, type Environment, SEVERITIES, type Severity } from "./severity.js";

/** One problem found in one place. */
export interface Finding {
  rule_id: string;
  /** equivalent Checkov / Trivy ids, so findings can be matched across tools */
  aliases: string[];
  severity: Severity;
  /** Terraform address (`module.net.aws_vpc.main`) or `Kind/namespace/name` */
  resource: string;
  /** path relative to the folder validated */
  file: string;
  /** 1-based line, or null when it cannot be located */
  line: number | null;
  message: string;
  remediation: string;
}

/** What a rule reports; the engine adds the rule's id, aliases, severity and default remediation. */
export interface RuleHit {
  resource: string;
  file: string;
  line: number | null;
  message: string;
  remediation?: string;
}

/** Everything a rule may look at. */
export interface RuleContext {
  environment: Environment | undefined;
  policy: OrgPolicy;
  terraform: {
    resources: TerraformResource[];
    dataSources: TerraformResource[];
    providers: TerraformResource[];
    variables: TerraformResource[];
  };
  kubernetes: KubernetesObject[];
  parseErrors: ParseError[];
}

/** A check over parsed infrastructure code. Rules are data plus one pure function. */
export interface Rule {
  /** stable id, SCREAMING_SNAKE_CASE, e.g. `AWS_S3_PUBLIC_ACL` */
  id: string;
  title: string;
  severity: Severity;
  /** real public ids of equivalent checks (Checkov `CKV_AWS_20`, Trivy `AWS-0086`, `KSV-0011`) */
  aliases: string[];
  /** what the rule reads; `any` for rules about files themselves (parse errors) */
  target: "terraform" | "kubernetes" | "any";
  /** what to do about a hit, unless the hit says something more specific */
  remediation: string;
  check(ctx: RuleContext): RuleHit[] | Promise<RuleHit[]>;
}
