import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleHit } from "../types.js";
import { blocks, bool, cannotVerify, hit, hitWith, nested, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

type Attrs = Record<string, unknown>;

/** True when an instance is launched from a template (plan JSON gives an absent block as [] or null). */
function fromTemplate(resource: TerraformResource): boolean {
  const value = resource.attributes.launch_template;
  return typeof value === "string" || blocks(value).length > 0;
}

/** True when `encrypted` is known not to be true (missing counts as false). */
function unencrypted(block: Attrs): boolean {
  const value = bool(block.encrypted);
  return value !== true && value !== UNKNOWN;
}

/** The block devices of an instance or launch configuration, and where they are. */
function devices(resource: TerraformResource): { label: string; block: Attrs }[] {
  return [
    ...nested(resource.attributes, "root_block_device").map((block) => ({ label: "Root block device", block })),
    ...nested(resource.attributes, "ebs_block_device").map((block) => ({ label: "An attached EBS block device", block })),
  ];
}

/** Which checks an unencrypted disk of this resource type fails. */
const EBS_ALIASES: Record<string, readonly string[]> = {
  aws_ebs_volume: ["CKV_AWS_3", "AWS-0026"],
  aws_instance: ["CKV_AWS_8", "AWS-0131"],
  aws_launch_configuration: ["CKV_AWS_8", "AWS-0008"],
  // No Trivy check reads launch template disks; the finding is ours alone.
  aws_launch_template: [],
};

export const ebsEncryption: Rule = {
  id: "AWS_EBS_ENCRYPTION",
  title: "EBS volume is not encrypted",
  severity: "high",
  aliases: ["CKV_AWS_3", "CKV_AWS_8", "AWS-0026", "AWS-0131", "AWS-0008"],
  target: "terraform",
  remediation: "Set encrypted = true on the volume or block device, or enable account-wide encryption with aws_ebs_encryption_by_default { enabled = true }.",
  check(ctx) {
    // Account-level default encryption covers every new volume in the region.
    if (ofType(ctx, "aws_ebs_encryption_by_default").some((d) => bool(d.attributes.enabled ?? true) === true)) return [];
    const hits: RuleHit[] = [];
    const judge = (resource: TerraformResource, label: string, block: Attrs) => {
      const aliases = EBS_ALIASES[resource.type] ?? [];
      if (unencrypted(block)) hits.push(hitWith(resource, aliases, `${label} is not encrypted.`));
      else if (unresolvedInput(block.encrypted)) hits.push(cannotVerify(resource, "encrypted", block.encrypted, aliases));
    };
    for (const volume of ofType(ctx, "aws_ebs_volume")) judge(volume, "Volume", volume.attributes);
    for (const instance of ofType(ctx, "aws_instance", "aws_launch_configuration")) {
      // Instances launched from a template take their disks from it; the template is checked instead.
      if (fromTemplate(instance)) continue;
      if (nested(instance.attributes, "root_block_device").length === 0) {
        // Trivy reads a missing root device of an instance as unencrypted, not one of a launch configuration.
        const aliases = instance.type === "aws_instance" ? (EBS_ALIASES.aws_instance ?? []) : ["CKV_AWS_8"];
        hits.push(
          hitWith(
            instance,
            aliases,
            "No root_block_device with encrypted = true: the root volume is only encrypted if the AMI snapshot or an account default says so.",
          ),
        );
      }
      for (const { label, block } of devices(instance)) judge(instance, label, block);
    }
    for (const template of ofType(ctx, "aws_launch_template")) {
      for (const block of nested(template.attributes, "block_device_mappings", "ebs")) judge(template, "A block device mapping", block);
    }
    return hits;
  },
};

export const ec2Imdsv2: Rule = {
  id: "AWS_EC2_IMDSV2",
  title: "EC2 instance metadata service allows IMDSv1",
  severity: "high",
  aliases: ["CKV_AWS_79", "AWS-0028", "AWS-0130"],
  target: "terraform",
  remediation: 'Add metadata_options { http_tokens = "required" } so credentials cannot be stolen through SSRF.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const resource of ofType(ctx, "aws_instance", "aws_launch_template", "aws_launch_configuration")) {
      if (resource.type === "aws_instance" && fromTemplate(resource)) continue;
      // AWS-0028 is about instances, AWS-0130 about launch templates and configurations.
      const aliases = ["CKV_AWS_79", resource.type === "aws_instance" ? "AWS-0028" : "AWS-0130"];
      const options = nested(resource.attributes, "metadata_options");
      if (options.some((o) => o.http_endpoint === "disabled")) continue;
      const tokens = options.map((o) => o.http_tokens);
      if (tokens.some((t) => str(t) === "required")) continue;
      const unknown = tokens.find(unresolvedInput);
      if (unknown !== undefined) hits.push(cannotVerify(resource, "metadata_options.http_tokens", unknown, aliases));
      else if (!tokens.some((t) => str(t) === UNKNOWN)) {
        hits.push(
          hitWith(resource, aliases, 'http_tokens is not "required": IMDSv1 answers unauthenticated requests, the classic SSRF path to instance credentials.'),
        );
      }
    }
    return hits;
  },
};

export const launchConfigPublicIp: Rule = {
  id: "AWS_LAUNCH_CONFIG_PUBLIC_IP",
  title: "Launch configuration gives instances a public IP",
  severity: "high",
  aliases: ["AWS-0009"],
  target: "terraform",
  remediation: "Set associate_public_ip_address = false and launch into private subnets; reach the instances through a load balancer or SSM.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const config of ofType(ctx, "aws_launch_configuration")) {
      const value = config.attributes.associate_public_ip_address;
      if (bool(value) === true) hits.push(hit(config, "associate_public_ip_address = true puts every instance of the group on the internet."));
      else if (unresolvedInput(value)) hits.push(cannotVerify(config, "associate_public_ip_address", value));
    }
    return hits;
  },
};

export const ebsCustomerKey: Rule = {
  id: "AWS_EBS_CMK",
  title: "EBS volume is not encrypted with a customer-managed key",
  severity: "low",
  aliases: ["CKV_AWS_189", "AWS-0027"],
  target: "terraform",
  remediation: "Set kms_key_id on the volume to a customer-managed KMS key, so key policy, rotation and revocation are yours.",
  check(ctx) {
    return ofType(ctx, "aws_ebs_volume")
      .filter((volume) => {
        const key = volume.attributes.kms_key_id;
        return key === undefined || key === null || key === "";
      })
      .map((volume) => hit(volume, "No kms_key_id: the volume (if encrypted) uses the AWS-managed aws/ebs key."));
  },
};

export const amiOwners: Rule = {
  id: "AWS_AMI_OWNERS",
  title: "AMI lookup does not restrict owners",
  severity: "low",
  aliases: ["AWS-0344"],
  target: "terraform",
  remediation: 'Set owners on the aws_ami data source (e.g. ["amazon"] or your account id) so a look-alike public AMI cannot be picked.',
  check(ctx) {
    return ctx.terraform.dataSources
      .filter((data) => data.type === "aws_ami")
      .filter((data) => {
        const owners = data.attributes.owners;
        return owners === undefined || owners === null || (Array.isArray(owners) && owners.length === 0);
      })
      .map((data) => hit(data, "No owners: most_recent may select an AMI anyone published under a matching name."));
  },
};

/** EC2 and EBS rules. */
export const computeRules: Rule[] = [ebsEncryption, ec2Imdsv2, launchConfigPublicIp, ebsCustomerKey, amiOwners];
