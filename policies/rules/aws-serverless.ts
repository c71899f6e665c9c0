import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import type { Statement } from "./helpers/iam-document.js";
import { boolOr, policyStatements, presence } from "./helpers/service-values.js";
import { cannotVerify, hit, nested, ofType, str, UNKNOWN } from "./helpers/terraform.js";

/** The first block at a path, or an empty object (absent blocks read as all defaults). */
function first(attrs: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  return nested(attrs, ...names)[0] ?? {};
}

// ---- API Gateway ----

export const apiGatewayAccessLogging: Rule = {
  id: "AWS_APIGATEWAY_ACCESS_LOGGING",
  title: "API Gateway stage writes no access logs",
  severity: "medium",
  aliases: ["AWS-0001"],
  target: "terraform",
  remediation: "Add access_log_settings { destination_arn = aws_cloudwatch_log_group.<name>.arn, format = ... } to the stage.",
  check(ctx) {
    return ofType(ctx, "aws_api_gateway_stage", "aws_apigatewayv2_stage")
      .filter((stage) => presence(first(stage.attributes, "access_log_settings").destination_arn) === "unset")
      .map((stage) => hit(stage, "No access_log_settings: who called which route, from where and with what result is not recorded."));
  },
};

export const apiGatewayCacheEncryption: Rule = {
  id: "AWS_APIGATEWAY_CACHE_ENCRYPTION",
  title: "API Gateway cache is not encrypted",
  severity: "medium",
  aliases: ["AWS-0002"],
  target: "terraform",
  remediation: "Set settings { cache_data_encrypted = true } wherever caching_enabled = true.",
  check(ctx) {
    return ofType(ctx, "aws_api_gateway_method_settings")
      .filter((resource) =>
        nested(resource.attributes, "settings").some((s) => boolOr(s.caching_enabled, false) === true && boolOr(s.cache_data_encrypted, false) === false),
      )
      .map((resource) => hit(resource, "Caching is on but cache_data_encrypted is not: cached responses are stored unencrypted."));
  },
};

export const apiGatewayCacheEnabled: Rule = {
  id: "AWS_APIGATEWAY_CACHE_ENABLED",
  title: "API Gateway method settings do not enable response caching",
  severity: "low",
  aliases: ["AWS-0190"],
  target: "terraform",
  remediation: "Set settings { caching_enabled = true, cache_data_encrypted = true } (and cache_cluster_enabled on the stage) where responses can be cached.",
  check(ctx) {
    return ofType(ctx, "aws_api_gateway_method_settings")
      .filter((resource) => nested(resource.attributes, "settings").some((s) => boolOr(s.caching_enabled, false) === false))
      .map((resource) => hit(resource, "caching_enabled is not true: every request reaches the backend, adding latency and load."));
  },
};

export const apiGatewayTracing: Rule = {
  id: "AWS_APIGATEWAY_XRAY_TRACING",
  title: "API Gateway stage has X-Ray tracing off",
  severity: "low",
  aliases: ["AWS-0003"],
  target: "terraform",
  remediation: "Set xray_tracing_enabled = true on the stage.",
  check(ctx) {
    return ofType(ctx, "aws_api_gateway_stage")
      .filter((stage) => boolOr(stage.attributes.xray_tracing_enabled, false) === false)
      .map((stage) => hit(stage, "xray_tracing_enabled is not true: a slow or failing request cannot be followed through the backend."));
  },
};

export const apiGatewayMethodAuthorization: Rule = {
  id: "AWS_APIGATEWAY_METHOD_AUTHORIZATION",
  title: "API Gateway method needs no authorization or API key",
  severity: "low",
  aliases: ["AWS-0004"],
  target: "terraform",
  remediation: 'Set authorization = "AWS_IAM", "COGNITO_USER_POOLS" or "CUSTOM" (or api_key_required = true); leave NONE only for public endpoints on purpose.',
  check(ctx) {
    return (
      ofType(ctx, "aws_api_gateway_method")
        .filter((method) => str(method.attributes.authorization) === "NONE")
        // CORS preflight requests carry no credentials by design.
        .filter((method) => str(method.attributes.http_method) !== "OPTIONS")
        .filter((method) => boolOr(method.attributes.api_key_required, false) === false)
        .map((method) =>
          hit(method, `authorization = "NONE" and no API key: anyone who finds the URL can call ${String(method.attributes.http_method ?? "the method")}.`),
        )
    );
  },
};

/** TLS 1.2+ API Gateway security policies: the legacy TLS_1_2 and the enhanced TLS 1.2 / 1.3 ones. */
const SECURE_API_POLICY = /^(TLS_1_2|SecurityPolicy_TLS1[23]_.*)$/;

export const apiGatewayTlsPolicy: Rule = {
  id: "AWS_APIGATEWAY_TLS_POLICY",
  title: "API Gateway custom domain accepts TLS 1.0",
  severity: "high",
  aliases: ["AWS-0005"],
  target: "terraform",
  remediation: 'Set security_policy = "TLS_1_2" on the domain name.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const domain of ofType(ctx, "aws_api_gateway_domain_name", "aws_apigatewayv2_domain_name")) {
      const holder = domain.type === "aws_api_gateway_domain_name" ? domain.attributes : first(domain.attributes, "domain_name_configuration");
      const attribute = domain.type === "aws_api_gateway_domain_name" ? "security_policy" : "domain_name_configuration.security_policy";
      const policy = str(holder.security_policy);
      if (policy === UNKNOWN) hits.push(cannotVerify(domain, attribute, holder.security_policy));
      else if (policy === undefined)
        hits.push(hit(domain, "security_policy is not set: the domain keeps API Gateway's TLS_1_0 policy, which accepts TLS 1.0 and 1.1 clients."));
      else if (!SECURE_API_POLICY.test(policy)) hits.push(hit(domain, `security_policy "${policy}" accepts TLS 1.0 and 1.1 clients.`));
    }
    return hits;
  },
};

// ---- Lambda ----

export const lambdaTracing: Rule = {
  id: "AWS_LAMBDA_XRAY_TRACING",
  title: "Lambda function has X-Ray tracing off",
  severity: "low",
  aliases: ["AWS-0066"],
  target: "terraform",
  remediation: 'Add tracing_config { mode = "Active" } (the role needs xray:PutTraceSegments).',
  check(ctx) {
    return ofType(ctx, "aws_lambda_function")
      .filter((fn) => {
        const mode = str(first(fn.attributes, "tracing_config").mode);
        return mode !== "Active" && mode !== UNKNOWN;
      })
      .map((fn) => hit(fn, "Tracing mode is not Active: slow invocations and downstream errors cannot be followed."));
  },
};

export const lambdaPermissionSourceArn: Rule = {
  id: "AWS_LAMBDA_PERMISSION_SOURCE_ARN",
  title: "Lambda permission for an AWS service names no source ARN",
  severity: "critical",
  aliases: ["AWS-0067"],
  target: "terraform",
  remediation: "Set source_arn to the bucket, rule, topic or API that may invoke the function (and source_account for S3).",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const permission of ofType(ctx, "aws_lambda_permission")) {
      const principal = str(permission.attributes.principal);
      if (principal === UNKNOWN) {
        hits.push(cannotVerify(permission, "principal", permission.attributes.principal));
        continue;
      }
      if (!principal?.endsWith(".amazonaws.com")) continue;
      const source = presence(permission.attributes.source_arn);
      if (source === UNKNOWN) hits.push(cannotVerify(permission, "source_arn", permission.attributes.source_arn));
      else if (source === "unset") {
        hits.push(hit(permission, `${principal} may invoke the function from any resource, including ones in other accounts: no source_arn restricts it.`));
      }
    }
    return hits;
  },
};

// ---- SNS ----

export const snsEncryption: Rule = {
  id: "AWS_SNS_ENCRYPTION",
  title: "SNS topic is not encrypted",
  severity: "high",
  aliases: ["AWS-0095"],
  target: "terraform",
  remediation: "Set kms_master_key_id = aws_kms_key.<name>.arn (the publishers and the key policy must allow it).",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const topic of ofType(ctx, "aws_sns_topic")) {
      const key = presence(topic.attributes.kms_master_key_id);
      if (key === UNKNOWN) hits.push(cannotVerify(topic, "kms_master_key_id", topic.attributes.kms_master_key_id));
      else if (key === "unset") hits.push(hit(topic, "No kms_master_key_id: messages are stored unencrypted while awaiting delivery."));
    }
    return hits;
  },
};

export const snsCustomerKey: Rule = {
  id: "AWS_SNS_CMK",
  title: "SNS topic is encrypted with the AWS-managed key",
  severity: "high",
  aliases: ["AWS-0136"],
  target: "terraform",
  remediation: "Set kms_master_key_id to a customer-managed key (aws_kms_key.<name>.arn) instead of alias/aws/sns.",
  check(ctx) {
    return ofType(ctx, "aws_sns_topic")
      .filter((topic) => str(topic.attributes.kms_master_key_id) === "alias/aws/sns")
      .map((topic) => hit(topic, "kms_master_key_id = alias/aws/sns: the AWS-managed key cannot be restricted, audited per topic or revoked."));
  },
};

// ---- SQS ----

export const sqsEncryption: Rule = {
  id: "AWS_SQS_ENCRYPTION",
  title: "SQS queue is not encrypted",
  severity: "high",
  aliases: ["AWS-0096"],
  target: "terraform",
  remediation: "Remove sqs_managed_sse_enabled = false, or set kms_master_key_id = aws_kms_key.<name>.arn.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const queue of ofType(ctx, "aws_sqs_queue")) {
      const key = presence(queue.attributes.kms_master_key_id);
      if (key === "set") continue;
      // New queues get SQS-managed encryption (SSE-SQS) unless it is turned off.
      const managed = boolOr(queue.attributes.sqs_managed_sse_enabled, true);
      if (managed === UNKNOWN) hits.push(cannotVerify(queue, "sqs_managed_sse_enabled", queue.attributes.sqs_managed_sse_enabled));
      else if (key === UNKNOWN && !managed) hits.push(cannotVerify(queue, "kms_master_key_id", queue.attributes.kms_master_key_id));
      else if (!managed) hits.push(hit(queue, "sqs_managed_sse_enabled = false and no kms_master_key_id: messages are stored unencrypted."));
    }
    return hits;
  },
};

export const sqsCustomerKey: Rule = {
  id: "AWS_SQS_CMK",
  title: "SQS queue is encrypted with the AWS-managed key",
  severity: "high",
  aliases: ["AWS-0135"],
  target: "terraform",
  remediation: "Set kms_master_key_id to a customer-managed key (aws_kms_key.<name>.arn) instead of alias/aws/sqs.",
  check(ctx) {
    return ofType(ctx, "aws_sqs_queue")
      .filter((queue) => str(queue.attributes.kms_master_key_id) === "alias/aws/sqs")
      .map((queue) => hit(queue, "kms_master_key_id = alias/aws/sqs: the AWS-managed key cannot be restricted, audited per queue or revoked."));
  },
};

/** True for an Allow statement granting every SQS action. */
function allowsAllSqsActions(statement: Statement): boolean {
  return statement.effect === "Allow" && statement.actions.some((action) => action === "*" || action.toLowerCase() === "sqs:*");
}

export const sqsPolicyWildcardActions: Rule = {
  id: "AWS_SQS_POLICY_WILDCARD_ACTIONS",
  title: "SQS queue policy allows every action",
  severity: "high",
  aliases: ["AWS-0097"],
  target: "terraform",
  remediation: 'List the actions the principal needs (e.g. "sqs:SendMessage") instead of "sqs:*" or "*".',
  async check(ctx: RuleContext) {
    const hits: RuleHit[] = [];
    const holders: TerraformResource[] = [...ofType(ctx, "aws_sqs_queue"), ...ofType(ctx, "aws_sqs_queue_policy")];
    for (const holder of holders) {
      const statements = await policyStatements(ctx, holder, holder.attributes.policy);
      if (statements === undefined) hits.push(cannotVerify(holder, "policy", holder.attributes.policy));
      else if (statements.some(allowsAllSqsActions)) {
        hits.push(hit(holder, 'The queue policy allows "sqs:*": whoever it names may also purge, delete or re-permission the queue.'));
      }
    }
    return hits;
  },
};

// ---- CloudFront ----

const CLOUDFRONT = "aws_cloudfront_distribution";

export const cloudfrontLogging: Rule = {
  id: "AWS_CLOUDFRONT_ACCESS_LOGGING",
  title: "CloudFront distribution writes no access logs",
  severity: "medium",
  aliases: ["AWS-0010"],
  target: "terraform",
  remediation: 'Add logging_config { bucket = "<log bucket>.s3.amazonaws.com", prefix = "cloudfront/" }.',
  check(ctx) {
    return ofType(ctx, CLOUDFRONT)
      .filter((dist) => presence(first(dist.attributes, "logging_config").bucket) === "unset")
      .map((dist) => hit(dist, "No logging_config: viewer requests (who fetched what, from where) are not recorded."));
  },
};

/**
 * True when every origin of a distribution is an S3 bucket (static content): an `s3_origin_config`
 * or origin access control, or an S3 domain name. Such a distribution has no application behind
 * it for a WAF's injection rules to protect.
 */
function servesOnlyS3(dist: TerraformResource): boolean {
  const origins = nested(dist.attributes, "origin");
  return (
    origins.length > 0 &&
    origins.every((origin) => {
      const domain = typeof origin.domain_name === "string" ? origin.domain_name : "";
      return (
        nested(origin, "s3_origin_config").length > 0 ||
        (origin.origin_access_control_id !== undefined && origin.origin_access_control_id !== null) ||
        /\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.test(domain) ||
        /aws_s3_bucket\.[\w-]+(\[[^\]]*\])?\.bucket(_regional)?_domain_name/.test(domain)
      );
    })
  );
}

/** The WAF check over distributions with (or without) an application origin. */
function cloudfrontWafHits(ctx: RuleContext, staticOnly: boolean, message: string): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const dist of ofType(ctx, CLOUDFRONT)) {
    if (servesOnlyS3(dist) !== staticOnly) continue;
    const acl = presence(dist.attributes.web_acl_id);
    if (acl === UNKNOWN) hits.push(cannotVerify(dist, "web_acl_id", dist.attributes.web_acl_id));
    else if (acl === "unset") hits.push(hit(dist, message));
  }
  return hits;
}

const WAF_REMEDIATION = "Set web_acl_id to the ARN of an aws_wafv2_web_acl with scope CLOUDFRONT (created in us-east-1).";

export const cloudfrontWaf: Rule = {
  id: "AWS_CLOUDFRONT_WAF",
  title: "CloudFront distribution in front of an application has no WAF web ACL",
  severity: "high",
  aliases: ["AWS-0011"],
  target: "terraform",
  remediation: WAF_REMEDIATION,
  check(ctx) {
    return cloudfrontWafHits(ctx, false, "No web_acl_id: injection, bad bots and request floods reach the application origin unfiltered.");
  },
};

/**
 * The same Trivy check (which rates it high) for distributions that only serve S3 content,
 * at medium: with no application behind them, what a WAF adds is bot and flood filtering.
 */
export const cloudfrontWafStatic: Rule = {
  id: "AWS_CLOUDFRONT_WAF_STATIC",
  title: "CloudFront distribution serving only S3 content has no WAF web ACL",
  severity: "medium",
  aliases: ["AWS-0011"],
  target: "terraform",
  remediation: WAF_REMEDIATION,
  check(ctx) {
    return cloudfrontWafHits(
      ctx,
      true,
      "No web_acl_id: bots and request floods reach the S3 origin unfiltered (rated medium, not Trivy's high: every origin is S3, so there is no application to inject into).",
    );
  },
};

export const cloudfrontHttps: Rule = {
  id: "AWS_CLOUDFRONT_HTTPS",
  title: "CloudFront distribution serves viewers over plain HTTP",
  severity: "critical",
  aliases: ["AWS-0012"],
  target: "terraform",
  remediation: 'Set viewer_protocol_policy = "redirect-to-https" (or "https-only") in every cache behavior.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const dist of ofType(ctx, CLOUDFRONT)) {
      for (const name of ["default_cache_behavior", "ordered_cache_behavior"]) {
        for (const behavior of nested(dist.attributes, name)) {
          const policy = str(behavior.viewer_protocol_policy);
          const where = name === "ordered_cache_behavior" ? `the behavior for ${String(behavior.path_pattern ?? "a path")}` : "the default behavior";
          if (policy === UNKNOWN) hits.push(cannotVerify(dist, `${name}.viewer_protocol_policy`, behavior.viewer_protocol_policy));
          else if (policy === "allow-all") hits.push(hit(dist, `viewer_protocol_policy = "allow-all" in ${where}: pages and cookies can travel unencrypted.`));
        }
      }
    }
    return hits;
  },
};

/** CloudFront minimum protocol versions that accept only TLS 1.2 or later with current ciphers. */
const SECURE_CLOUDFRONT_TLS = /^TLSv1\.(2_(202[1-9])|3_\d{4})$/;

export const cloudfrontTlsPolicy: Rule = {
  id: "AWS_CLOUDFRONT_TLS_POLICY",
  title: "CloudFront distribution accepts outdated TLS",
  severity: "high",
  aliases: ["AWS-0013"],
  target: "terraform",
  remediation: 'Set viewer_certificate { minimum_protocol_version = "TLSv1.2_2021" } (needs your own ACM certificate, not the cloudfront.net one).',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const dist of ofType(ctx, CLOUDFRONT)) {
      const cert = first(dist.attributes, "viewer_certificate");
      // With the *.cloudfront.net certificate CloudFront only allows TLSv1; the check does not apply.
      const defaultCert = boolOr(cert.cloudfront_default_certificate, false);
      if (defaultCert === true) continue;
      const version = str(cert.minimum_protocol_version) ?? "TLSv1";
      if (defaultCert === UNKNOWN || version === UNKNOWN) {
        hits.push(
          cannotVerify(
            dist,
            "viewer_certificate.minimum_protocol_version",
            defaultCert === UNKNOWN ? cert.cloudfront_default_certificate : cert.minimum_protocol_version,
          ),
        );
      } else if (!SECURE_CLOUDFRONT_TLS.test(version)) {
        hits.push(hit(dist, `minimum_protocol_version is ${version}: viewers may connect with outdated TLS versions or ciphers.`));
      }
    }
    return hits;
  },
};

// ---- CodeBuild ----

export const codebuildArtifactEncryption: Rule = {
  id: "AWS_CODEBUILD_ARTIFACT_ENCRYPTION",
  title: "CodeBuild project disables artifact encryption",
  severity: "high",
  aliases: ["AWS-0018"],
  target: "terraform",
  remediation: "Remove encryption_disabled = true from artifacts and secondary_artifacts (set encryption_key for a customer-managed key).",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const project of ofType(ctx, "aws_codebuild_project")) {
      for (const name of ["artifacts", "secondary_artifacts"]) {
        for (const artifacts of nested(project.attributes, name)) {
          if (str(artifacts.type) === "NO_ARTIFACTS") continue;
          const disabled = boolOr(artifacts.encryption_disabled, false);
          if (disabled === UNKNOWN) hits.push(cannotVerify(project, `${name}.encryption_disabled`, artifacts.encryption_disabled));
          else if (disabled) hits.push(hit(project, `${name} has encryption_disabled = true: build outputs are stored unencrypted.`));
        }
      }
    }
    return hits;
  },
};

/** API Gateway, Lambda, SNS, SQS, CloudFront and CodeBuild rules. */
export const serverlessRules: readonly Rule[] = [
  apiGatewayAccessLogging,
  apiGatewayCacheEncryption,
  apiGatewayCacheEnabled,
  apiGatewayTracing,
  apiGatewayMethodAuthorization,
  apiGatewayTlsPolicy,
  lambdaTracing,
  lambdaPermissionSourceArn,
  snsEncryption,
  snsCustomerKey,
  sqsEncryption,
  sqsCustomerKey,
  sqsPolicyWildcardActions,
  cloudfrontLogging,
  cloudfrontWaf,
  cloudfrontWafStatic,
  cloudfrontHttps,
  cloudfrontTlsPolicy,
  codebuildArtifactEncryption,
];
