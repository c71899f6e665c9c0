import type { TerraformResource } from "../iac/types.js";
import { AZURE_REGIONS } from "./azure/catalogue.js";
import { planAzureResource } from "./azure/terraform.js";
import { SUPPORTED_REGIONS } from "./catalogue.js";
import { GCP_REGIONS } from "./gcp/catalogue.js";
import { planGcpResource } from "./gcp/terraform.js";
import { planResource } from "./terraform/index.js";

/** The clouds Atlas prices. */
export type PricedCloud = "aws" | "azure" | "gcp";

/** Priced regions of each cloud: AWS price sheets, Azure and Google Cloud rate cards. */
export const PRICED_REGIONS: Readonly<Record<PricedCloud, readonly string[]>> = { aws: SUPPORTED_REGIONS, azure: AZURE_REGIONS, gcp: GCP_REGIONS };

/** Every priced region of every cloud (region names never collide across the three). */
export const ALL_PRICED_REGIONS: readonly string[] = [...SUPPORTED_REGIONS, ...AZURE_REGIONS, ...GCP_REGIONS];

/** The cloud whose price data covers a region, or null when none does. */
export function cloudOfRegion(region: string): PricedCloud | null {
  for (const cloud of ["aws", "azure", "gcp"] as const) if (PRICED_REGIONS[cloud].includes(region)) return cloud;
  return null;
}

/** The cloud a Terraform resource type belongs to, by its provider prefix (`aws_`, `azurerm_`, `google_`). */
export function cloudOfType(type: string): PricedCloud | null {
  if (type.startsWith("aws_")) return "aws";
  if (type.startsWith("azurerm_") || type.startsWith("azapi_")) return "azure";
  if (type.startsWith("google_")) return "gcp";
  return null;
}

/** Free, unsupported or priced: each resource by its own cloud's mapping. */
export function planAnyResource(
  resource: TerraformResource,
  ctx: { resources: readonly TerraformResource[] },
): { kind: "free" | "unsupported" | "priced"; reason?: string } {
  const cloud = cloudOfType(resource.type);
  if (cloud === "azure") return planAzureResource(resource, ctx);
  if (cloud === "gcp") return planGcpResource(resource, ctx);
  return planResource(resource, ctx);
}

/** `West Europe`, `westeurope` → `westeurope`: Azure accepts display names in `location`. */
function azureRegionName(location: string): string {
  return location.toLowerCase().replace(/\s+/g, "");
}

/**
 * The region to price a folder in when none is given: for AWS the one the aws provider names
 * (`awsRegions`), for Azure the first literal `location`, for Google Cloud the first literal
 * `region` (or a bucket's single-region `location`); the cloud is the one most resources belong
 * to. Falls back to each cloud's default region (us-east-1, eastus, us-central1).
 */
export function defaultPricingRegion(resources: readonly TerraformResource[], awsRegions: readonly string[]): string {
  const counts = { aws: 0, azure: 0, gcp: 0 };
  for (const resource of resources) {
    const cloud = cloudOfType(resource.type);
    if (cloud) counts[cloud] += 1;
  }
  const cloud = counts.azure > counts.aws && counts.azure >= counts.gcp ? "azure" : counts.gcp > counts.aws && counts.gcp > counts.azure ? "gcp" : "aws";
  if (cloud === "aws") return awsRegions[0] ?? "us-east-1";
  const literal = (value: unknown) => (typeof value === "string" && !value.includes("${") ? value : undefined);
  for (const resource of resources) {
    if (cloudOfType(resource.type) !== cloud) continue;
    if (cloud === "azure") {
      const location = literal(resource.attributes.location);
      if (location) return azureRegionName(location);
    } else {
      const region = literal(resource.attributes.region) ?? literal(resource.attributes.location)?.toLowerCase();
      if (region && /^[a-z]+-[a-z]+\d+$/.test(region)) return region;
    }
  }
  return cloud === "azure" ? "eastus" : "us-central1";
}
