-- requires: vector
-- Runbook store: documents, heading-aware chunks, BM25 lexical weights and optional embeddings.
create extension if not exists vector;

create table rag_documents (
  id bigserial primary key,
  collection text not null,
  source text not null,
  content_hash text not null,
  title text,
  bytes integer not null,
  chunk_count integer not null,
  ingested_at timestamptz not null default now(),
  unique (collection, source)
);

create table rag_chunks (
  id bigserial primary key,
  document_id bigint not null references rag_documents (id) on delete cascade,
  ordinal integer not null,
  heading_path text[] not null,
  line_start integer not null,
  line_end integer not null,
  content text not null,
  -- BM25 document length (analysed terms) and the distinct term ids, for df bookkeeping.
  term_count integer not null,
  term_ids integer[] not null,
  -- BM25 term weights (tf saturation and length normalisation) as a sparse vector.
  lexical sparsevec not null,
  embedding vector,
  unique (document_id, ordinal)
);

create index rag_chunks_document_idx on rag_chunks (document_id);

-- Document frequency per term id, for query-time IDF.
create table rag_terms (
  term_id integer primary key,
  df integer not null check (df >= 0)
);

-- One row of corpus statistics.
create table rag_corpus (
  id boolean primary key default true check (id),
  chunk_count bigint not null default 0,
  term_total bigint not null default 0,
  -- average chunk length the stored lexical weights were computed with
  weights_avgdl double precision,
  embedding_model text,
  embedding_dims integer
);
insert into rag_corpus (id) values (true);
