import { createHash } from "node:crypto";
import type { Config } from "../config.js";

/** How tenants appear in metric labels: a hash of the name, or the name itself. */
export type TenantLabelMode = "hash" | "name";

/** METRICS_TENANT_LABEL, or its default: hashed while /metrics is public (anyone who reaches it reads the labels), names otherwise. */
export function tenantLabelMode(config: Pick<Config, "METRICS_PUBLIC" | "METRICS_TENANT_LABEL">): TenantLabelMode {
  return config.METRICS_TENANT_LABEL ?? (config.METRICS_PUBLIC ? "hash" : "name");
}

/** The first 12 hex digits of SHA-256 of a tenant's name: the same on every replica and after restarts. */
export function tenantHash(tenant: string): string {
  return createHash("sha256").update(tenant, "utf8").digest("hex").slice(0, 12);
}

/**
 * The label value for a tenant under `mode`. The hash is not a secret: it keeps names off a
 * public page, and an operator maps it back with `printf %s NAME | sha256sum | cut -c1-12`, but
 * anyone can confirm a guessed name the same way (METRICS_PUBLIC=false keeps the page private).
 */
export function tenantLabeller(mode: TenantLabelMode): (tenant: string) => string {
  if (mode === "name") return (tenant) => tenant;
  const known = new Map<string, string>();
  return (tenant) => {
    let label = known.get(tenant);
    if (label === undefined) {
      label = tenantHash(tenant);
      known.set(tenant, label);
    }
    return label;
  };
}
