import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleHit } from "../types.js";
import { bool, hit, nested, ofType, str, UNKNOWN } from "./helpers/terraform.js";

/** True when `encrypted` is not known to be true. */
function unencrypted(block: Record<string, unknown>): boolean {
  const value = bool(block.encrypted);
  return value !== true && value !== UNKNOWN;
}

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
    const flag = (resource: TerraformResource, what: string) => hits.push(hit(resource, `${what} is not encrypted.`));
    for (const volume of ofType(ctx, "aws_ebs_volume")) if (unencrypted(volume.attributes)) flag(volume, "Volume");
    for (const instance of ofType(ctx, "aws_instance", "aws_launch_configuration")) {
      // Instances launched from a template take their disks from it; the template is checked instead.
      if (instance.attributes.launch_template !== undefined) continue;
      const roots = nested(instance.attributes, "root_block_device");
      if (roots.length === 0) {
        hits.push(
          hit(instance, "No root_block_device with encrypted = true: the root volume is only encrypted if the AMI snapshot or an account default says so."),
        );
      } else if (roots.some(unencrypted)) flag(instance, "Root block device");
      if (nested(instance.attributes, "ebs_block_device").some(unencrypted)) flag(instance, "An attached EBS block device");
    }
    for (const template of ofType(ctx, "aws_launch_template")) {
      if (nested(template.attributes, "block_device_mappings", "ebs").some(unencrypted)) flag(template, "A block device mapping");
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
    return ofType(ctx, "aws_instance", "aws_launch_template")
      .filter((resource) => resource.type === "aws_launch_template" || resource.attributes.launch_template === undefined)
      .filter((resource) => {
        const options = nested(resource.attributes, "metadata_options");
        if (options.some((o) => o.http_endpoint === "disabled")) return false;
        const tokens = options.map((o) => str(o.http_tokens));
        return !tokens.some((t) => t === "required" || t === UNKNOWN);
      })
      .map((resource) =>
        hit(resource, 'http_tokens is not "required": IMDSv1 answers unauthenticated requests, the classic SSRF path to instance credentials.'),
      );
  },
};

/** EC2 and EBS rules. */
export const computeRules: Rule[] = [ebsEncryption, ec2Imdsv2];
