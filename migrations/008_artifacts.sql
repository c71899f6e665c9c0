-- Build artifacts by content: the builder's files, keyed by the SHA-256 of their UTF-8 bytes.
-- A plan's checkpoints carry only each file's path, kind, sha256 and size (and the set's digest),
-- so a checkpoint stays small and a file unchanged between plan versions is stored once. Rows are
-- written once and never changed (same content, same key); graph/artifact-store.ts owns all SQL
-- on the table. Contents are read only through a thread's own state, which names the digests.
create table atlas_artifacts (
  sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
  content text not null,
  bytes integer not null,
  created_at timestamptz not null default now()
);
