import type { OverlayBuild } from "../iac/kustomize.js";
import type { IacFile, KubernetesObject, ParseError, SkippedFile, TerraformResource } from "../iac/types.js";
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
  /**
   * Present (true) when the rule could not decide: a value it needs stays unknown (a variable
   * with no value, an attribute known only after apply). The finding says "Cannot verify" and
   * counts like any other, so a report never passes what it did not check.
   */
  unverified?: true;
}

/** What a rule reports; the engine adds the rule's id, aliases, severity and default remediation. */
export interface RuleHit {
  resource: string;
  file: string;
  line: number | null;
  message: string;
  remediation?: string;
  /**
   * The aliases this hit's evidence matches, when the rule claims several checks and only
   * some fail here (one missing S3 public-access flag is one Trivy check, not four). Must be
   * a subset of the rule's aliases; absent means all of them.
   */
  aliases?: readonly string[];
  /** The rule could not decide because a deciding value is unknown (see {@link Finding.unverified}). */
  unverified?: true;
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
  /** every file given, as read (for rules about raw text: hard-coded credentials, values files) */
  files: readonly IacFile[];
  /** files deliberately not parsed (Helm templates, kustomize configuration) */
  skipped: readonly SkippedFile[];
  /**
   * Kustomize overlays found among the files, built (iac/kustomize.ts) or not with the reason.
   * Absent when the caller built none (a rule run on one overlay's objects).
   */
  overlays?: readonly OverlayBuild[];
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
