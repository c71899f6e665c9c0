-- Event outbox and token budgets (seed 004).

-- atlas_events is the outbox: a row is written first, then the relay adds it to the Redis
-- stream and sets published_at. Rows written before this migration are history, not news.
alter table atlas_events add column published_at timestamptz;
update atlas_events set published_at = created_at;
create index atlas_events_unpublished_idx on atlas_events (id) where published_at is null;

-- Token budgets set at run time (the `set_budget` control message). A tenant's own row wins
-- over the '*' row, which wins over TOKEN_BUDGET_PER_RUN / DAILY_TOKEN_BUDGET; a null
-- column falls through to the next level.
create table atlas_token_budgets (
  tenant text primary key check (tenant = '*' or tenant ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'),
  per_run integer check (per_run > 0),
  daily integer check (daily > 0),
  updated_by text not null,
  updated_at timestamptz not null default now()
);
