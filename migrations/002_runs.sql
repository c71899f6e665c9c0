-- Planning runs: one row per graph thread, the status state machine and the lifecycle events.
create table atlas_runs (
  thread_id text primary key,
  tenant text not null default 'default',
  plan_id text not null,
  trace_id text not null,
  goal_name text not null,
  status text not null check (status in ('PENDING', 'IN_PROGRESS', 'VALIDATING', 'WAIT_FOR_APPROVE', 'APPLYING',
    'DONE', 'BLOCKED', 'REJECTED', 'ROLLED_BACK', 'FAILED')),
  plan_version integer not null default 0,
  -- set while a process is running the graph for this thread; a compare-and-set on it
  -- makes every resume happen exactly once, across processes
  claimed_by text,
  claimed_at timestamptz,
  tokens_used integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index atlas_runs_tenant_idx on atlas_runs (tenant, created_at desc);

create table atlas_events (
  id bigserial primary key,
  thread_id text not null,
  tenant text not null,
  type text not null,
  trace_id text not null,
  payload jsonb not null,
  created_at timestamptz not null default now()
);
create index atlas_events_thread_idx on atlas_events (thread_id, id);
