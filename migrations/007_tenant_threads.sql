-- Thread ids are a tenant's own: two tenants may each have a thread "prod-api-1", and a tenant
-- that names another's thread id gets a new thread of its own (before, a 404 told it that the id
-- existed). The graph's checkpoints of a thread are kept under `graph_thread` ("<tenant>/<thread>"
-- for new threads; existing threads keep the checkpoints they have, under their bare thread id).
alter table atlas_runs add column graph_thread text;
update atlas_runs set graph_thread = thread_id;
alter table atlas_runs alter column graph_thread set not null;
alter table atlas_runs drop constraint atlas_runs_pkey;
alter table atlas_runs add primary key (tenant, thread_id);
create unique index atlas_runs_graph_thread_idx on atlas_runs (graph_thread);
create index atlas_events_tenant_thread_idx on atlas_events (tenant, thread_id, id);
