import type { Queryable } from "./queryable.js";

// The one module that writes SQL against `atlas_tenants` (migrations/003_auth.sql).

/** A row of `atlas_tenants`: a tenant and what it allows. */
export interface TenantRow {
  id: string;
  /** approving a plan your own key started */
  allow_self_approval: boolean;
  created_at: Date;
}

/** Creates the tenant when it does not exist yet; an existing tenant keeps its settings. */
export async function ensureTenant(db: Queryable, tenant: string, options: { allowSelfApproval?: boolean } = {}): Promise<void> {
  await db.query("insert into atlas_tenants (id, allow_self_approval) values ($1, $2) on conflict (id) do nothing", [
    tenant,
    options.allowSelfApproval ?? false,
  ]);
}

/** Allows or refuses approving your own plan in a tenant (created if missing). */
export async function setSelfApproval(db: Queryable, tenant: string, allow: boolean): Promise<void> {
  await db.query(
    `insert into atlas_tenants (id, allow_self_approval) values ($1, $2)
     on conflict (id) do update set allow_self_approval = excluded.allow_self_approval`,
    [tenant, allow],
  );
}

/** The tenant's row, or null when no such tenant exists. */
export async function getTenant(db: Queryable, tenant: string): Promise<TenantRow | null> {
  const { rows } = await db.query<TenantRow>("select id, allow_self_approval, created_at from atlas_tenants where id = $1", [tenant]);
  return rows[0] ?? null;
}
