-- The LangGraph Platform API (server/routes/platform/). A thread can be created before any run
-- (`POST /threads`): it is NEW until its first run starts. Threads carry the client's metadata.
-- Each Platform run (a start or a resume of a thread) is a row of atlas_platform_runs; the thread's
-- run registry row (atlas_runs) still decides who runs it, so the rules of Atlas's own API hold.
alter table atlas_runs add column metadata jsonb not null default '{}'::jsonb;
alter table atlas_runs drop constraint atlas_runs_status_check;
alter table atlas_runs add constraint atlas_runs_status_check check (status in ('NEW', 'PENDING', 'IN_PROGRESS', 'VALIDATING',
  'WAIT_FOR_APPROVE', 'APPLYING', 'DONE', 'BLOCKED', 'REJECTED', 'ROLLED_BACK', 'FAILED'));

create table atlas_platform_runs (
  run_id text primary key,
  tenant text not null,
  thread_id text not null,
  assistant_id text not null,
  -- start: a new plan version from a goal; resume: the answer to the approval interrupt
  kind text not null check (kind in ('start', 'resume')),
  -- queued: a background worker on any replica runs it, and its status is read from atlas_runs
  queued boolean not null default false,
  status text not null check (status in ('pending', 'running', 'success', 'error', 'interrupted', 'timeout')),
  trace_id text not null,
  multitask_strategy text,
  metadata jsonb not null default '{}'::jsonb,
  kwargs jsonb not null default '{}'::jsonb,
  error jsonb,
  created_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (tenant, thread_id) references atlas_runs (tenant, thread_id) on delete cascade
);
create index atlas_platform_runs_thread_idx on atlas_platform_runs (tenant, thread_id, created_at desc);
