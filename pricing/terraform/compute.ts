import type { TerraformResource } from "../../iac/types.js";
import type { ComponentSpec } from "../component-spec.js";
import { block, blocks, firstOfList, optionalBool, optionalNumber, optionalString, requiredString, Unpriceable } from "./attributes.js";
import { findRelated, type MapContext } from "./references.js";

/** Instance type EKS managed node groups use when none is given. */
const EKS_DEFAULT_INSTANCE_TYPE = "t3.medium";
/** Root disk EKS managed node groups create when no launch template is given. */
const EKS_DEFAULT_DISK_GB = 20;

/**
 * Root volume assumed when the Terraform does not size one: the AMI decides, and the
 * convention (Infracost's too: its instance test golden prices 8 GB of gp2) is 8 GB of gp2,
 * the size of Amazon Linux's root volume.
 */
type EbsSpec = Extract<ComponentSpec, { kind: "ebs" }>;
const DEFAULT_ROOT_VOLUME: EbsSpec = { kind: "ebs", volumeType: "gp2", sizeGb: 8, note: "root volume assumed 8 GB, sized by the AMI" };
/** Device names AWS AMIs use for the root volume. */
const ROOT_DEVICES = new Set(["/dev/xvda", "/dev/sda1"]);
/** Metrics EC2 detailed monitoring publishes per instance, billed as custom metrics (AWS CloudWatch pricing, example 1). */
const DETAILED_MONITORING_METRICS = 7;

/** The launch template a resource's `launch_template` block points at. */
function launchTemplateOf(resource: TerraformResource, ctx: MapContext): TerraformResource | undefined {
  const spec = block(resource.attributes, "launch_template");
  if (!spec) return undefined;
  const ref = spec.id ?? spec.name ?? spec.launch_template_id ?? spec.launch_template_name;
  const template = findRelated(ctx, resource, "aws_launch_template", ref);
  if (!template) throw new Unpriceable("its launch template is not among the resources given");
  return template;
}

/** EBS volumes a launch template attaches to every instance it launches. */
function templateVolumes(template: TerraformResource | undefined, instances: number): ComponentSpec[] {
  if (!template) return [];
  return blocks(template.attributes, "block_device_mappings").flatMap((mapping) => {
    const ebs = block(mapping, "ebs");
    const sizeGb = ebs ? optionalNumber(ebs, "volume_size") : undefined;
    if (!ebs || sizeGb === undefined) return [];
    const volumeType = optionalString(ebs, "volume_type") ?? "gp2";
    const iops = optionalNumber(ebs, "iops");
    const throughputMbps = optionalNumber(ebs, "throughput");
    return [{ kind: "ebs" as const, volumeType, sizeGb, iops, throughputMbps, count: instances }];
  });
}

/** True when a launch template sizes the root volume itself (a mapping on a root device name with a size). */
function templateSizesRoot(template: TerraformResource): boolean {
  return blocks(template.attributes, "block_device_mappings").some((mapping) => {
    const ebs = block(mapping, "ebs");
    return ROOT_DEVICES.has(String(mapping.device_name ?? "")) && ebs !== undefined && optionalNumber(ebs, "volume_size") !== undefined;
  });
}

/** True when a launch template turns on detailed monitoring (`monitoring { enabled = true }`). */
function templateMonitored(template: TerraformResource | undefined): boolean {
  const monitoring = template ? block(template.attributes, "monitoring") : undefined;
  return monitoring !== undefined && optionalBool(monitoring, "enabled") === true;
}

/** Detailed monitoring's metrics for `instances` instances. */
function detailedMonitoring(instances: number): ComponentSpec {
  return { kind: "cloudwatch-metrics", metrics: DETAILED_MONITORING_METRICS, count: instances, note: "EC2 detailed monitoring, 7 per instance" };
}

/**
 * What a launch template adds to each of `instances` instances: its sized volumes, an assumed
 * root volume when it does not size one, and detailed monitoring when on.
 */
function templateExtras(template: TerraformResource | undefined, instances: number): ComponentSpec[] {
  if (!template) return [];
  const specs = templateVolumes(template, instances);
  if (!templateSizesRoot(template)) specs.push({ ...DEFAULT_ROOT_VOLUME, count: instances });
  if (templateMonitored(template)) specs.push(detailedMonitoring(instances));
  return specs;
}

function templateInstanceType(template: TerraformResource): string {
  const type = optionalString(template.attributes, "instance_type");
  if (!type) throw new Unpriceable(`launch template ${template.address} sets no instance_type`);
  return type;
}

/**
 * `aws_instance`: the instance, sized root/extra volumes (an unsized root assumed 8 GB gp2),
 * its launch template's volumes, detailed monitoring when on, and a public IPv4 when asked for.
 */
export function mapInstance(resource: TerraformResource, ctx: MapContext): ComponentSpec[] {
  const a = resource.attributes;
  const template = a.instance_type === undefined ? launchTemplateOf(resource, ctx) : undefined;
  const instanceType = template ? templateInstanceType(template) : requiredString(a, "instance_type");
  const specs: ComponentSpec[] = [{ kind: "ec2", instanceType }];
  const root = block(a, "root_block_device");
  const rootSized = root !== undefined && optionalNumber(root, "volume_size") !== undefined;
  if (!rootSized && !(template && templateSizesRoot(template))) {
    const volumeType = root ? optionalString(root, "volume_type") : undefined;
    specs.push(volumeType ? { ...DEFAULT_ROOT_VOLUME, volumeType } : DEFAULT_ROOT_VOLUME);
  }
  for (const device of [...blocks(a, "root_block_device"), ...blocks(a, "ebs_block_device")]) {
    const sizeGb = optionalNumber(device, "volume_size");
    if (sizeGb === undefined) continue; // root: assumed above; an extra volume without a size comes from a snapshot: unknown here
    const volumeType = optionalString(device, "volume_type") ?? "gp2";
    specs.push({
      kind: "ebs",
      volumeType,
      sizeGb,
      iops: optionalNumber(device, "iops"),
      throughputMbps: optionalNumber(device, "throughput"),
    });
  }
  // The instance's own `monitoring` wins over its template's.
  if (optionalBool(a, "monitoring") ?? templateMonitored(template)) specs.push(detailedMonitoring(1));
  if (optionalBool(a, "associate_public_ip_address")) specs.push({ kind: "public-ipv4" });
  return [...specs, ...(template ? templateVolumes(template, 1) : [])];
}

/** `aws_autoscaling_group`: desired capacity (else min size) × the launch template's instance. */
export function mapAutoscalingGroup(resource: TerraformResource, ctx: MapContext): ComponentSpec[] {
  const a = resource.attributes;
  const instances = optionalNumber(a, "desired_capacity") ?? optionalNumber(a, "min_size");
  if (instances === undefined) throw new Unpriceable("neither desired_capacity nor min_size is set");
  const mixed = block(a, "mixed_instances_policy");
  const mixedTemplate = mixed ? block(mixed, "launch_template") : undefined;
  const override = mixedTemplate ? block(mixedTemplate, "override") : undefined;
  const overrideType = override ? optionalString(override, "instance_type") : undefined;
  const spec = mixedTemplate ? block(mixedTemplate, "launch_template_specification") : undefined;
  const template = spec
    ? findRelated(ctx, resource, "aws_launch_template", spec.launch_template_id ?? spec.launch_template_name)
    : launchTemplateOf(resource, ctx);
  let instanceType = overrideType ?? (template ? templateInstanceType(template) : undefined);
  if (instanceType === undefined && a.launch_configuration !== undefined) {
    const config = findRelated(ctx, resource, "aws_launch_configuration", a.launch_configuration);
    instanceType = config ? optionalString(config.attributes, "instance_type") : undefined;
  }
  if (instanceType === undefined) throw new Unpriceable("no launch template or configuration tells the instance type");
  return [{ kind: "ec2", instanceType, count: instances }, ...templateExtras(template, instances)];
}

/** `aws_eks_node_group`: desired size × first instance type, plus each node's root disk. */
export function mapEksNodeGroup(resource: TerraformResource, ctx: MapContext): ComponentSpec[] {
  const a = resource.attributes;
  if (optionalString(a, "capacity_type") === "SPOT") {
    throw new Unpriceable("Spot capacity is priced by the market, not by the on-demand price sheet");
  }
  const scaling = block(a, "scaling_config");
  const nodes = scaling ? (optionalNumber(scaling, "desired_size") ?? optionalNumber(scaling, "min_size")) : undefined;
  if (nodes === undefined) throw new Unpriceable("scaling_config.desired_size is not set");
  const template = launchTemplateOf(resource, ctx);
  const listed = firstOfList(a, "instance_types");
  const fromTemplate = template ? optionalString(template.attributes, "instance_type") : undefined;
  const instanceType = listed ?? fromTemplate ?? EKS_DEFAULT_INSTANCE_TYPE;
  const specs: ComponentSpec[] = [{ kind: "ec2", instanceType, count: nodes }];
  if (template) return [...specs, ...templateVolumes(template, nodes)];
  const sizeGb = optionalNumber(a, "disk_size") ?? EKS_DEFAULT_DISK_GB;
  return [...specs, { kind: "ebs", volumeType: "gp2", sizeGb, count: nodes }];
}
