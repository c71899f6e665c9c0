import type { TerraformResource } from "../../iac/types.js";
import type { ComponentSpec } from "../component-spec.js";
import { optionalBool, optionalNumber, optionalString, requiredString, Unpriceable } from "./attributes.js";
import { findRelated, type MapContext } from "./references.js";

/** The engine of an `aws_db_instance`, following a read replica to its source when unset. */
function rdsEngine(resource: TerraformResource, ctx: MapContext): string {
  const engine = optionalString(resource.attributes, "engine");
  if (engine !== undefined) return engine;
  const sourceRef = resource.attributes.replicate_source_db;
  const source = sourceRef === undefined ? undefined : findRelated(ctx, resource, "aws_db_instance", sourceRef);
  const sourceEngine = source ? optionalString(source.attributes, "engine") : undefined;
  if (sourceEngine === undefined) throw new Unpriceable("engine is not set");
  return sourceEngine;
}

/**
 * `aws_db_instance`: class × (2 if Multi-AZ), storage by type, provisioned IOPS. An Aurora
 * engine makes it an instance of an Aurora cluster: priced from the Aurora table, its storage
 * billed on the `aws_rds_cluster`.
 */
export function mapDbInstance(resource: TerraformResource, ctx: MapContext): ComponentSpec[] {
  const a = resource.attributes;
  const engine = rdsEngine(resource, ctx);
  if (engine.startsWith("aurora")) return [{ kind: "aurora-instance", instanceClass: requiredString(a, "instance_class") }];
  const iops = optionalNumber(a, "iops");
  return [
    {
      kind: "rds",
      engine,
      licenseModel: optionalString(a, "license_model"),
      instanceClass: requiredString(a, "instance_class"),
      multiAz: optionalBool(a, "multi_az") ?? false,
      storageGb: optionalNumber(a, "allocated_storage"),
      // The provider's default: io1 when IOPS are given, gp2 otherwise.
      storageType: optionalString(a, "storage_type") ?? (iops ? "io1" : "gp2"),
      iops,
    },
  ];
}

/** `aws_rds_cluster`: Aurora storage and I/O (usage-based); instances are priced separately. */
export function mapRdsCluster(resource: TerraformResource): ComponentSpec[] {
  const engine = optionalString(resource.attributes, "engine") ?? "aurora-mysql";
  if (!engine.startsWith("aurora")) {
    throw new Unpriceable(`Multi-AZ DB clusters (engine "${engine}") are not in the price sheet`);
  }
  if (optionalString(resource.attributes, "engine_mode") === "serverless") {
    throw new Unpriceable("Aurora Serverless v1 is not in the price sheet");
  }
  return [{ kind: "aurora-storage" }];
}

/** `aws_rds_cluster_instance`: one Aurora instance (or Serverless v2 capacity). */
export function mapRdsClusterInstance(resource: TerraformResource): ComponentSpec[] {
  return [{ kind: "aurora-instance", instanceClass: requiredString(resource.attributes, "instance_class") }];
}

/** `aws_elasticache_replication_group`: node type × node count. */
export function mapReplicationGroup(resource: TerraformResource): ComponentSpec[] {
  const a = resource.attributes;
  const groups = optionalNumber(a, "num_node_groups");
  const clustered = groups === undefined ? undefined : groups * ((optionalNumber(a, "replicas_per_node_group") ?? 0) + 1);
  const nodes = optionalNumber(a, "num_cache_clusters") ?? optionalNumber(a, "number_cache_clusters") ?? clustered ?? 1;
  return [
    {
      kind: "elasticache",
      nodeType: requiredString(a, "node_type"),
      nodes,
      engine: optionalString(a, "engine") ?? "redis",
    },
  ];
}

/** `aws_elasticache_cluster`: node type × num_cache_nodes. */
export function mapCacheCluster(resource: TerraformResource): ComponentSpec[] {
  const a = resource.attributes;
  if (a.node_type === undefined && a.replication_group_id !== undefined) {
    throw new Unpriceable("a member of a replication group takes its node type from the group; price the group");
  }
  return [
    {
      kind: "elasticache",
      nodeType: requiredString(a, "node_type"),
      nodes: optionalNumber(a, "num_cache_nodes") ?? 1,
      engine: optionalString(a, "engine") ?? "redis",
    },
  ];
}

/** `aws_ebs_volume`: size by type (gp2 by default), IOPS and throughput. */
export function mapEbsVolume(resource: TerraformResource): ComponentSpec[] {
  const a = resource.attributes;
  const sizeGb = optionalNumber(a, "size");
  if (sizeGb === undefined) throw new Unpriceable("size is not set (a volume sized by its snapshot cannot be priced)");
  return [
    {
      kind: "ebs",
      volumeType: optionalString(a, "type") ?? "gp2",
      sizeGb,
      iops: optionalNumber(a, "iops"),
      throughputMbps: optionalNumber(a, "throughput"),
    },
  ];
}
