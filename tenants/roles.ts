import { z } from "zod";

/** Roles in increasing order of power; each implies the ones before it (admin implies all). */
export const roles = ["viewer", "planner", "approver", "admin"] as const;
export type Role = (typeof roles)[number];

export const roleSchema = z.enum(roles);

const rank = (role: Role) => roles.indexOf(role);

/** True when a key holding `held` may do what needs `required`. */
export function hasRole(held: readonly Role[], required: Role): boolean {
  return held.some((role) => rank(role) >= rank(required));
}

/**
 * Parses a comma-separated role list (`planner,approver`).
 * @throws Error naming the unknown role.
 */
export function parseRoles(list: string): Role[] {
  const names = [
    ...new Set(
      list
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ];
  if (!names.length) throw new Error(`no role given; choose from ${roles.join(", ")}`);
  for (const name of names) {
    if (!(roles as readonly string[]).includes(name)) throw new Error(`unknown role "${name}"; choose from ${roles.join(", ")}`);
  }
  return names as Role[];
}

/** Tenant names: what the tenants table accepts as an id (its check constraint, migrations/003_auth.sql). */
export const tenantSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "letters, digits, - and _ (at most 64)");

/** The tenant the embedded start-up and `ATLAS_AUTH=off` act for. */
export const DEFAULT_TENANT = "default";
