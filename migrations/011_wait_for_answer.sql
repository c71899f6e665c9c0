-- A goal in plain language that leaves a deciding fact unstated (budget, availability, workload
-- kind, environment) waits at the clarify interrupt: WAIT_FOR_ANSWER.
alter table atlas_runs drop constraint atlas_runs_status_check;
alter table atlas_runs add constraint atlas_runs_status_check check (status in ('NEW', 'PENDING', 'IN_PROGRESS', 'VALIDATING',
  'WAIT_FOR_ANSWER', 'WAIT_FOR_APPROVE', 'APPLYING', 'DONE', 'BLOCKED', 'REJECTED', 'ROLLED_BACK', 'FAILED'));
