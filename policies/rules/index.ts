import type { Rule } from "../types.js";
import { albRules } from "./aws-alb.js";
import { computeRules } from "./aws-compute.js";
import { containerRules } from "./aws-containers.js";
import { dataStoreRules } from "./aws-data-stores.js";
import { governanceRules } from "./aws-governance.js";
import { iamRules } from "./aws-iam.js";
import { loggingRules } from "./aws-logging.js";
import { miscRules } from "./aws-misc.js";
import { networkRules } from "./aws-network.js";
import { rdsRules } from "./aws-rds.js";
import { s3Rules } from "./aws-s3.js";
import { serverlessRules } from "./aws-serverless.js";
import { vpcRules } from "./aws-vpc.js";
import { azureRules } from "./azure.js";
import { gcpRules } from "./gcp.js";
import { helmRules } from "./helm.js";
import { governanceK8sRules } from "./k8s-governance.js";
import { hostRules } from "./k8s-host.js";
import { podSecurityRules } from "./k8s-pod-security.js";
import { rbacRules } from "./k8s-rbac.js";
import { securityRules } from "./k8s-security.js";
import { workloadRules } from "./k8s-workload.js";
import { metaRules } from "./meta.js";
import { pipelineRules } from "./pipelines.js";
import { secretRules } from "./secrets.js";

/** Every built-in rule, in the order `--rules` lists them. */
export const builtinRules: readonly Rule[] = [
  ...metaRules,
  ...s3Rules,
  ...networkRules,
  ...vpcRules,
  ...albRules,
  ...rdsRules,
  ...iamRules,
  ...computeRules,
  ...miscRules,
  ...containerRules,
  ...dataStoreRules,
  ...serverlessRules,
  ...loggingRules,
  ...governanceRules,
  ...securityRules,
  ...hostRules,
  ...workloadRules,
  ...governanceK8sRules,
  ...podSecurityRules,
  ...rbacRules,
  ...secretRules,
  ...helmRules,
  ...pipelineRules,
  ...gcpRules,
  ...azureRules,
];
