-- Authentication, tenants and the audit log.

-- A tenant owns threads, plans, artifacts, events and keys. Self-approval (approving a plan
-- you started) is refused unless the tenant allows it.
create table atlas_tenants (
  id text primary key check (id ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'),
  allow_self_approval boolean not null default false,
  created_at timestamptz not null default now()
);

-- API keys. Only the SHA-256 of the key is stored, with a short display prefix
-- (`atlas_` and the first characters) so people can tell keys apart in listings.
create table atlas_api_keys (
  id text primary key,
  tenant text not null references atlas_tenants (id),
  name text not null check (length(name) between 1 and 200),
  prefix text not null,
  hash text not null unique check (hash ~ '^[0-9a-f]{64}$'),
  roles text[] not null check (cardinality(roles) > 0 and roles <@ array['viewer', 'planner', 'approver', 'admin']),
  created_at timestamptz not null default now(),
  -- who made the key: another key's id, or `cli:<user>` / `bootstrap`
  created_by text not null,
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index atlas_api_keys_tenant_idx on atlas_api_keys (tenant, created_at);
create index atlas_api_keys_prefix_idx on atlas_api_keys (prefix);

-- Who did what, when and from where: approval decisions, applies, rollbacks, key changes.
create table atlas_audit (
  id bigserial primary key,
  tenant text not null,
  actor_key_id text,
  actor_name text not null,
  action text not null,
  target text,
  detail jsonb not null default '{}',
  remote_addr text,
  created_at timestamptz not null default now()
);
create index atlas_audit_tenant_idx on atlas_audit (tenant, id desc);

-- The key that started a thread's current run (approving your own plan is checked against it).
alter table atlas_runs add column created_by text;
