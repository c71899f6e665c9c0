-- Signed Slack commands already answered, so a replay within Slack's five-minute window is
-- refused on every replica. One row per accepted request signature (it covers the request's
-- timestamp and body), kept until that timestamp is out of the window with a margin for clock
-- skew between replicas; server/slack/seen-requests.ts deletes expired rows as it goes.
create table atlas_slack_requests (
  signature text primary key,
  expires_at timestamptz not null
);
create index atlas_slack_requests_expiry_idx on atlas_slack_requests (expires_at);
