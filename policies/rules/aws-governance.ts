import type { Rule, RuleHit } from "../types.js";
import { bool, cannotVerify, hit, literals, nested, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

/** `t3.*` → /^t3\..*$/ */
function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

const INSTANCE_TYPE_ATTRIBUTES: Record<string, string> = {
  aws_instance: "instance_type",
  aws_launch_template: "instance_type",
  aws_launch_configuration: "instance_type",
  aws_eks_node_group: "instance_types",
  aws_spot_instance_request: "instance_type",
};

export const instanceTypeAllowed: Rule = {
  id: "AWS_INSTANCE_TYPE_ALLOWED",
  title: "EC2 instance type is not on the organisation's allow list",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation: "Pick an instance type matching the policy's allowed_instance_types, or ask for the policy to be extended.",
  check(ctx) {
    const allowed = ctx.policy.allowed_instance_types;
    if (!allowed) return [];
    const patterns = allowed.map(globToRegExp);
    const hits: RuleHit[] = [];
    for (const resource of ofType(ctx, ...Object.keys(INSTANCE_TYPE_ATTRIBUTES))) {
      const attribute = INSTANCE_TYPE_ATTRIBUTES[resource.type] as string;
      for (const type of literals(resource.attributes[attribute])) {
        if (!patterns.some((p) => p.test(type))) {
          hits.push(hit(resource, `Instance type ${type} is not allowed (allowed: ${allowed.join(", ")}).`));
        }
      }
    }
    return hits;
  },
};

export const regionAllowed: Rule = {
  id: "AWS_REGION_ALLOWED",
  title: "AWS provider uses a region outside the organisation's allow list",
  severity: "high",
  aliases: [],
  target: "terraform",
  remediation: "Deploy to one of the policy's allowed_regions (data residency and support coverage depend on it).",
  check(ctx) {
    const allowed = ctx.policy.allowed_regions;
    if (!allowed) return [];
    const hits: RuleHit[] = [];
    for (const provider of ctx.terraform.providers.filter((p) => p.type === "aws")) {
      let region = str(provider.attributes.region);
      let source = "";
      // `region = var.region` is common; the variable's default is what runs unless overridden.
      const variable = typeof provider.attributes.region === "string" ? provider.attributes.region.match(/^\$\{var\.([\w-]+)\}$/)?.[1] : undefined;
      if (region === UNKNOWN && variable) {
        const declared = ctx.terraform.variables.find((v) => v.name === variable && v.module === provider.module);
        region = str(declared?.attributes.default);
        source = ` (default of var.${variable})`;
      }
      if (typeof region === "string" && region !== UNKNOWN && !allowed.includes(region)) {
        hits.push(hit(provider, `Region ${region}${source} is not allowed (allowed: ${allowed.join(", ")}).`));
      }
    }
    return hits;
  },
};

export const configAggregatorAllRegions: Rule = {
  id: "AWS_CONFIG_AGGREGATOR_ALL_REGIONS",
  title: "AWS Config aggregator does not collect from all regions",
  severity: "high",
  aliases: ["AWS-0019"],
  target: "terraform",
  remediation: "Set all_regions = true in the aggregator's account_aggregation_source or organization_aggregation_source (instead of listing regions).",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const aggregator of ofType(ctx, "aws_config_configuration_aggregator")) {
      const sources = [...nested(aggregator.attributes, "account_aggregation_source"), ...nested(aggregator.attributes, "organization_aggregation_source")];
      for (const source of sources) {
        const value = source.all_regions;
        if (unresolvedInput(value)) hits.push(cannotVerify(aggregator, "all_regions", value));
        else if (bool(value) !== true && bool(value) !== UNKNOWN) {
          hits.push(hit(aggregator, "all_regions is not true: resources in regions not listed are never recorded, unused regions included."));
        }
      }
    }
    return hits;
  },
};

/** Organisation allow-list rules (they do nothing unless the policy sets the list), and AWS Config. */
export const governanceRules: Rule[] = [instanceTypeAllowed, regionAllowed, configAggregatorAllRegions];
