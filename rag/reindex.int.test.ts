import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../lib/db/database.js";
import { migrate, readMigrations } from "../lib/db/migrate.js";
import { statisticsCheck } from "../test/helpers/runbook-store.js";
import { termId } from "./analyzer.js";
import { lexicalTerms } from "./lexical.js";
import { maintainIndex } from "./reindex.js";
import { makeRunbookSearch } from "./search.js";

/**
 * A store written before the inverted index (migration 009): chunks with a sparse vector and
 * term ids, no postings. The next start (or ingest) must index it from the chunks' text.
 */
describe("maintainIndex on a store from before the inverted index", () => {
  let db: Database;

  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(
      db.pool,
      readMigrations().filter((migration) => migration.version < 9),
    );
    const texts = ["Restart the quokka service when its disk fills up.", "Rotate the wombat certificates before they expire."];
    for (const [i, content] of texts.entries()) {
      const { rows } = await db.pool.query<{ id: string }>(
        "insert into rag_documents (collection, source, content_hash, title, bytes, chunk_count) values ('docs', $1, 'h', null, 10, 1) returning id",
        [`old-${i}.md`],
      );
      const terms = lexicalTerms(`\nold ${i}\n\n${content}`);
      const ids = [...terms.tf.keys()];
      // the old schema's columns, as the old ingest wrote them (the weights' values do not matter any more)
      await db.pool.query(
        `insert into rag_chunks (document_id, ordinal, heading_path, line_start, line_end, content, term_count, term_ids, lexical)
         values ($1, 0, '{}', 1, 1, $2, $3, $4, $5::sparsevec)`,
        [rows[0]?.id, content, terms.length, ids, `{${ids.map((id) => `${id + 1}:1`).join(",")}}/1000000000`],
      );
      await db.pool.query("insert into rag_terms (term_id, df) select unnest($1::int[]), 1 on conflict (term_id) do update set df = rag_terms.df + 1", [ids]);
      await db.pool.query("update rag_corpus set chunk_count = chunk_count + 1, term_total = term_total + $1, weights_avgdl = 5", [terms.length]);
    }
    await migrate(db.pool);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("indexes the old chunks from their text, then searches them like new ones", async () => {
    const search = makeRunbookSearch({ pool: db.pool, embedder: null, defaults: { top_k: 5, threshold: 0, collapse_by_file: true } });
    // before: no postings, so nothing can rank
    expect(await search("quokka disk")).toEqual([]);
    expect(await maintainIndex(db.pool)).toBe(true);
    expect((await search("quokka disk")).map((hit) => hit.source)).toEqual(["old-0.md"]);
    expect((await search("wombat certificates")).map((hit) => hit.source)).toEqual(["old-1.md"]);
    const check = await statisticsCheck(db.pool);
    expect(check.indexProblems).toEqual([]);
    expect(check.storedDf.get(termId("quokka"))).toBe(1);
    // a second pass has nothing left to do
    expect(await maintainIndex(db.pool)).toBe(false);
  });
});
