-- The goal of a background run while it waits for (or is being run by) a worker. Without
-- Redis the run queue lives in one process's memory; after a restart the jobs of runs still
-- PENDING are rebuilt from here. Cleared when the run is released or abandoned.
alter table atlas_runs add column queued_goal jsonb;
create index atlas_runs_queued_idx on atlas_runs (updated_at) where status = 'PENDING' and queued_goal is not null;
