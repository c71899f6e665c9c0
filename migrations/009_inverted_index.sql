-- requires: vector
-- Runbook store: BM25 ranking reads an inverted index instead of scanning every chunk's
-- sparse vector. Postings are written per segment (one ingest batch, or a rebuild of several)
-- as packed arrays: a term's chunk ids (uint32, ascending) and BM25 document weights (float32).
-- The chunks of a removed document stay in their segment's postings until it is rebuilt
-- (ranking only returns chunks that still exist); `dead` counts them so rebuilds happen in time.
create table rag_segments (
  id bigserial primary key,
  chunks integer not null,
  dead integer not null default 0
);

create table rag_postings (
  term_id integer not null,
  segment bigint not null references rag_segments (id) on delete cascade,
  chunk_ids bytea not null,
  weights bytea not null,
  -- the largest weight in this block: the term's score bound
  max_weight real not null,
  primary key (term_id, segment)
);

create index rag_postings_segment_idx on rag_postings (segment);

alter table rag_chunks drop column lexical;
-- Document-frequency bookkeeping reads term_stats instead.
alter table rag_chunks drop column term_ids;
-- Which segment indexes the chunk, and its term ids then frequencies (uint32 each), from which
-- a candidate's full score is computed without reading its text.
alter table rag_chunks add column segment bigint references rag_segments (id);
alter table rag_chunks add column term_stats bytea;
create index rag_chunks_segment_idx on rag_chunks (segment);

-- Chunks stored before this index have no term statistics: the next start or ingest rebuilds
-- the index from their text (see rag/reindex.ts).
update rag_corpus set weights_avgdl = null;
