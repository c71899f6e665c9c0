-- What a run's latest plan costs per month and what its goal allows, kept when the run stops, so a
-- list of runs shows cost and budget at a glance without reading every checkpoint.
alter table atlas_runs add column monthly_usd double precision;
alter table atlas_runs add column budget_usd double precision;
