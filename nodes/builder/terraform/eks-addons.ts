import type { BuildContext } from "../context.js";
import { block, type HclBlock, type HclValue, interpolate, ref } from "../hcl.js";
import { awsName } from "../labels.js";
import { ACCOUNT_ID, assumeRolePolicy, PARTITION, policyDocument, type Statement, type TfSection } from "./shared.js";

/**
 * The cluster add-ons an EKS design needs to work as emitted: the AWS Load Balancer Controller
 * (it turns the Ingress into an ALB) and cluster-autoscaler (it adds nodes when pods do not fit).
 * Terraform creates their IAM roles and binds them to the add-ons' service accounts with Pod
 * Identity; the delivery pipelines install the Helm charts (no Helm provider offline), reading the
 * role-independent values (cluster, VPC) from `terraform output`.
 */

/** One cluster add-on: its Helm chart and the service account its IAM role is bound to. */
export interface ClusterAddon {
  /** Terraform block name of its role, policy, attachment and association */
  block: string;
  /** Helm release and service account name, in `kube-system` */
  serviceAccount: string;
  /** `helm repo add <repo.name> <repo.url>` */
  repo: { name: string; url: string };
  /** chart name in its repository */
  chart: string;
  /** pinned chart version; bump deliberately, with the IAM policy of that release */
  version: string;
  /** the `terraform output` holding its role ARN */
  roleOutput: string;
}

/** Namespace of both add-ons, as their documentation installs them. */
export const ADDON_NAMESPACE = "kube-system";

/** Chart 1.13.4 ships controller v2.13.4; the policy below follows that release's published one. */
export const LOAD_BALANCER_CONTROLLER: ClusterAddon = {
  block: "load_balancer_controller",
  serviceAccount: "aws-load-balancer-controller",
  repo: { name: "eks", url: "https://aws.github.io/eks-charts" },
  chart: "aws-load-balancer-controller",
  version: "1.13.4",
  roleOutput: "load_balancer_controller_role_arn",
};

/** Chart 9.43.1 ships cluster-autoscaler 1.31, the minor of the cluster (EKS_VERSION): they must match. */
export const CLUSTER_AUTOSCALER: ClusterAddon = {
  block: "cluster_autoscaler",
  serviceAccount: "cluster-autoscaler",
  repo: { name: "autoscaler", url: "https://kubernetes.github.io/autoscaler" },
  chart: "cluster-autoscaler",
  version: "9.43.1",
  roleOutput: "cluster_autoscaler_role_arn",
};

/** Tag the controller puts on every load balancer, target group and security group it creates. */
const CONTROLLER_TAG = "elbv2.k8s.aws/cluster";

/**
 * True when the design has an Ingress for the controller to serve on EKS behind an ALB: the
 * house's long-running service (`hasIngress` in nodes/builder/kubernetes.ts) or an HTTP component
 * (`componentHasIngress` in components.ts). Restated here because both modules import this folder;
 * a test checks it against the Ingresses actually rendered.
 */
export function needsLoadBalancerController(ctx: BuildContext): boolean {
  const { compute, network, runtime_components } = ctx.plan;
  if (compute.platform !== "eks" || network.ingress.type !== "alb") return false;
  return compute.schedule === null || runtime_components.some((c) => c.type === "microservice" && c.transport === "http");
}

/** The add-ons an EKS design gets, in the order the pipelines install them; none off EKS. */
export function clusterAddons(ctx: BuildContext): ClusterAddon[] {
  if (ctx.plan.compute.platform !== "eks") return [];
  return [...(needsLoadBalancerController(ctx) ? [LOAD_BALANCER_CONTROLLER] : []), CLUSTER_AUTOSCALER];
}

/** The node group tags cluster-autoscaler's auto-discovery looks for (EKS copies them to the group's Auto Scaling group). */
export function autoscalerDiscoveryTags(clusterName: string): Record<string, string> {
  return { "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned" };
}

/** `arn:<partition>:elasticloadbalancing:<region>:<account>:<suffix>`, in this account and region only. */
function elbArn(ctx: BuildContext, suffix: string): HclValue {
  return interpolate("arn:", ref(PARTITION), `:elasticloadbalancing:${ctx.plan.region}:`, ref(ACCOUNT_ID), `:${suffix}`);
}

/** `{ Null: { "<key>": "false" } }`-style conditions: the tag must (false) or must not (true) be present. */
function tagPresence(checks: Record<string, boolean>): Record<string, Record<string, string>> {
  return { Null: Object.fromEntries(Object.entries(checks).map(([key, present]) => [key, present ? "false" : "true"])) };
}

/**
 * What the controller calls, action by action, after the policy AWS publishes for the release:
 * reads everywhere (Describe calls take no resource), writes only on what carries the controller's
 * cluster tag, and tagging only at creation or on its own resources.
 */
function loadBalancerControllerPolicy(ctx: BuildContext): Statement[] {
  const ownLoadBalancers = [elbArn(ctx, "targetgroup/*/*"), elbArn(ctx, "loadbalancer/net/*/*"), elbArn(ctx, "loadbalancer/app/*/*")];
  const securityGroups = interpolate("arn:", ref(PARTITION), `:ec2:${ctx.plan.region}:`, ref(ACCOUNT_ID), ":security-group/*");
  return [
    {
      Sid: "ElbServiceLinkedRole",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      Sid: "Read",
      Effect: "Allow",
      Action: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeCoipPools",
        "ec2:DescribeInstances",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeIpamPools",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeTags",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeVpcs",
        "ec2:GetCoipPoolUsage",
        "ec2:GetSecurityGroupsForVpc",
        "elasticloadbalancing:DescribeCapacityReservation",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTrustStores",
      ],
      Resource: "*",
    },
    {
      // certificates by host (or the annotation's ARN), the WAF web ACL and Shield protection annotations
      Sid: "IngressFeatures",
      Effect: "Allow",
      Action: [
        "acm:DescribeCertificate",
        "acm:ListCertificates",
        "cognito-idp:DescribeUserPoolClient",
        "iam:GetServerCertificate",
        "iam:ListServerCertificates",
        "shield:CreateProtection",
        "shield:DeleteProtection",
        "shield:DescribeProtection",
        "shield:GetSubscriptionState",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
      ],
      Resource: "*",
    },
    { Sid: "CreateSecurityGroup", Effect: "Allow", Action: ["ec2:CreateSecurityGroup"], Resource: "*" },
    {
      Sid: "TagNewSecurityGroup",
      Effect: "Allow",
      Action: ["ec2:CreateTags"],
      Resource: securityGroups,
      Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...tagPresence({ [`aws:RequestTag/${CONTROLLER_TAG}`]: true }) },
    },
    {
      Sid: "RetagOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags"],
      Resource: securityGroups,
      Condition: tagPresence({ [`aws:RequestTag/${CONTROLLER_TAG}`]: false, [`aws:ResourceTag/${CONTROLLER_TAG}`]: true }),
    },
    {
      Sid: "ChangeOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:DeleteSecurityGroup", "ec2:RevokeSecurityGroupIngress"],
      Resource: "*",
      Condition: tagPresence({ [`aws:ResourceTag/${CONTROLLER_TAG}`]: true }),
    },
    {
      Sid: "CreateTaggedLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: tagPresence({ [`aws:RequestTag/${CONTROLLER_TAG}`]: true }),
    },
    {
      Sid: "ListenersAndRules",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:DeleteRule",
      ],
      Resource: "*",
    },
    {
      Sid: "RetagOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: ownLoadBalancers,
      Condition: tagPresence({ [`aws:RequestTag/${CONTROLLER_TAG}`]: false, [`aws:ResourceTag/${CONTROLLER_TAG}`]: true }),
    },
    {
      Sid: "TagListenersAndRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [
        elbArn(ctx, "listener/app/*/*/*"),
        elbArn(ctx, "listener/net/*/*/*"),
        elbArn(ctx, "listener-rule/app/*/*/*"),
        elbArn(ctx, "listener-rule/net/*/*/*"),
      ],
    },
    {
      Sid: "TagAtCreation",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags"],
      Resource: ownLoadBalancers,
      Condition: {
        StringEquals: { "elasticloadbalancing:CreateAction": ["CreateLoadBalancer", "CreateTargetGroup"] },
        ...tagPresence({ [`aws:RequestTag/${CONTROLLER_TAG}`]: true }),
      },
    },
    {
      Sid: "ChangeOwnLoadBalancers",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
      ],
      Resource: "*",
      Condition: tagPresence({ [`aws:ResourceTag/${CONTROLLER_TAG}`]: true }),
    },
    {
      Sid: "Targets",
      Effect: "Allow",
      Action: ["elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:RegisterTargets"],
      Resource: elbArn(ctx, "targetgroup/*/*"),
    },
    {
      Sid: "ListenerSettings",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:SetWebAcl",
      ],
      Resource: "*",
    },
  ];
}

/**
 * What cluster-autoscaler calls (its AWS provider documentation): reads everywhere, and scaling
 * only Auto Scaling groups tagged as this cluster's (EKS tags the managed node group's group with
 * {@link autoscalerDiscoveryTags}).
 */
function clusterAutoscalerPolicy(cluster: string): Statement[] {
  return [
    {
      Sid: "Read",
      Effect: "Allow",
      Action: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeTags",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
        "eks:DescribeNodegroup",
      ],
      Resource: "*",
    },
    {
      Sid: "ScaleOwnNodeGroups",
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster}`]: "owned" } },
    },
  ];
}

/** Role (trusted by Pod Identity), its policy and the association with the add-on's service account. */
function addonBlocks(ctx: BuildContext, owner: string, addon: ClusterAddon, statements: Statement[], what: string): HclBlock[] {
  const name = awsName(64, ctx.prefix, addon.block.replace(/_/g, "-"));
  return [
    ctx.resource("aws_iam_role", addon.block, owner, {
      name,
      assume_role_policy: assumeRolePolicy("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
    }),
    ctx.resource("aws_iam_policy", addon.block, owner, { name, description: what, policy: policyDocument(statements) }),
    ctx.resource("aws_iam_role_policy_attachment", addon.block, owner, {
      role: ref(`aws_iam_role.${addon.block}.name`),
      policy_arn: ref(`aws_iam_policy.${addon.block}.arn`),
    }),
    ctx.resource("aws_eks_pod_identity_association", addon.block, owner, {
      cluster_name: ref("aws_eks_cluster.main.name"),
      namespace: ADDON_NAMESPACE,
      service_account: addon.serviceAccount,
      role_arn: ref(`aws_iam_role.${addon.block}.arn`),
    }),
  ];
}

/** `certificate_arn`: optional on EKS, where the controller can also find the certificate in ACM by the Ingress hosts. */
function certificateVariable(): HclBlock {
  return {
    type: "variable",
    labels: ["certificate_arn"],
    body: {
      description: "ACM certificate for the Ingress's HTTPS listener; empty: the controller finds one in ACM matching the Ingress hosts",
      type: ref("string"),
      default: "",
      validation: block({
        condition: ref('var.certificate_arn == "" || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/", var.certificate_arn))'),
        error_message: "certificate_arn must be empty or the ARN of an ACM certificate.",
      }),
    },
  };
}

function output(name: string, description: string, value: HclValue): HclBlock {
  return { type: "output", labels: [name], body: { description, value } };
}

/**
 * The add-ons' Terraform: for each add-on its role, policy and Pod Identity association
 * (eks-addons.tf), its role ARN as an output, and with the controller the `certificate_arn` variable
 * and output the pipelines annotate the Ingress with. Nothing off EKS.
 */
export function renderEksAddons(ctx: BuildContext, owner: string, cluster: string): TfSection[] {
  const addons = clusterAddons(ctx);
  if (addons.length === 0) return [];
  const controller = needsLoadBalancerController(ctx);
  const blocks: HclBlock[] = [];
  const outputs: HclBlock[] = [];
  if (controller) {
    blocks.push(...addonBlocks(ctx, owner, LOAD_BALANCER_CONTROLLER, loadBalancerControllerPolicy(ctx), "AWS Load Balancer Controller: ALBs for the Ingress"));
    outputs.push(
      output(
        LOAD_BALANCER_CONTROLLER.roleOutput,
        "Role of the AWS Load Balancer Controller (Pod Identity, kube-system)",
        ref(`aws_iam_role.${LOAD_BALANCER_CONTROLLER.block}.arn`),
      ),
      output("certificate_arn", "ACM certificate the pipelines put on the Ingress (empty: found in ACM by host)", ref("var.certificate_arn")),
    );
  }
  blocks.push(...addonBlocks(ctx, owner, CLUSTER_AUTOSCALER, clusterAutoscalerPolicy(cluster), "cluster-autoscaler: scales this cluster's node groups"));
  outputs.push(
    output(CLUSTER_AUTOSCALER.roleOutput, "Role of cluster-autoscaler (Pod Identity, kube-system)", ref(`aws_iam_role.${CLUSTER_AUTOSCALER.block}.arn`)),
  );
  return [
    { file: "eks-addons.tf", blocks },
    ...(controller ? [{ file: "variables.tf", blocks: [certificateVariable()] }] : []),
    { file: "outputs.tf", blocks: outputs },
  ];
}
