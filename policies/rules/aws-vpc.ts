import type { Rule } from "../types.js";
import { blocks, bool, hit, nested, ofType, references } from "./helpers/terraform.js";

export const vpcFlowLogs: Rule = {
  id: "AWS_VPC_FLOW_LOGS",
  title: "VPC has no flow logs",
  severity: "medium",
  aliases: ["CKV2_AWS_11", "AWS-0178"],
  target: "terraform",
  remediation: 'Add an aws_flow_log with vpc_id = aws_vpc.<name>.id and traffic_type = "ALL" (or at least "REJECT"), delivered to CloudWatch Logs or S3.',
  check(ctx) {
    const vpcs = ofType(ctx, "aws_vpc");
    const flowLogs = ofType(ctx, "aws_flow_log");
    // A flow log whose vpc_id points at no VPC declared here (a variable, a module output)
    // may well cover these VPCs; without evaluating Terraform we cannot say it does not.
    if (flowLogs.some((log) => log.attributes.vpc_id !== undefined && !vpcs.some((vpc) => references(log.attributes.vpc_id, vpc)))) return [];
    return vpcs
      .filter((vpc) => !flowLogs.some((log) => log.module === vpc.module && references(log.attributes.vpc_id, vpc)))
      .map((vpc) => hit(vpc, "No aws_flow_log captures this VPC's traffic, so there is no record to investigate an incident with."));
  },
};

export const subnetPublicIp: Rule = {
  id: "AWS_SUBNET_PUBLIC_IP",
  title: "Subnet assigns public IPs to every instance",
  severity: "medium",
  aliases: ["CKV_AWS_130", "AWS-0164"],
  target: "terraform",
  remediation:
    "Set map_public_ip_on_launch = false; load balancers and NAT gateways get their public addresses without it, and instances should sit in private subnets.",
  check(ctx) {
    return ofType(ctx, "aws_subnet")
      .filter((subnet) => bool(subnet.attributes.map_public_ip_on_launch) === true)
      .map((subnet) => hit(subnet, "map_public_ip_on_launch = true gives every instance launched here a public address."));
  },
};

export const defaultVpc: Rule = {
  id: "AWS_DEFAULT_VPC",
  title: "Configuration manages the default VPC",
  severity: "high",
  aliases: ["AWS-0101"],
  target: "terraform",
  remediation: "Create a dedicated aws_vpc with private subnets and flow logs for the workload instead of managing (and using) the default VPC.",
  check(ctx) {
    return ofType(ctx, "aws_default_vpc").map((vpc) =>
      hit(vpc, "aws_default_vpc brings the default VPC into use: public subnets that give every instance a public IP, and no flow logs."),
    );
  },
};

export const defaultSecurityGroupRules: Rule = {
  id: "AWS_DEFAULT_SG_RULES",
  title: "Default security group allows traffic",
  severity: "low",
  aliases: ["CKV2_AWS_12", "AWS-0173"],
  target: "terraform",
  remediation: "Declare aws_default_security_group with no ingress or egress blocks, so anything left in the default group can talk to nothing.",
  check(ctx) {
    return ofType(ctx, "aws_default_security_group")
      .filter((group) =>
        ["ingress", "egress"].some((direction) => blocks(group.attributes[direction]).length > 0 || nested(group.attributes, "dynamic", direction).length > 0),
      )
      .map((group) => hit(group, "The default security group has rules: resources placed in it by default get that access without anyone choosing it."));
  },
};

/** VPC-level rules. */
export const vpcRules: Rule[] = [vpcFlowLogs, subnetPublicIp, defaultVpc, defaultSecurityGroupRules];
