import { describe, expect, it } from "vitest";
import type { SearchHit } from "../../rag/search.js";
import { citeFetched, recordingSearch } from "./fetched.js";

const hit = (source: string, line_start: number, line_end: number): SearchHit => ({
  chunk_id: `${source}:${line_start}`,
  collection: "runbooks",
  source,
  title: null,
  heading_path: ["Doc", "Section"],
  line_start,
  line_end,
  score: 1,
  relevance: 1,
  lexical_score: 1,
  dense_score: null,
  snippet: "",
  content: "text",
});

describe("runbooks a model fetched through runbook_search", () => {
  it("records every hit the search handed back, with its query", async () => {
    const recorder = recordingSearch(async (query) => (query === "dns" ? [hit("networking/dns.md", 1, 9), hit("networking/nat.md", 3, 7)] : []));
    await recorder.search("dns");
    await recorder.search("nothing");
    expect(recorder.fetched.map((f) => [f.query, f.hit.source])).toEqual([
      ["dns", "networking/dns.md"],
      ["dns", "networking/nat.md"],
    ]);
  });

  it("adds new chunks once, and gives an already cited chunk the model's reason too", () => {
    const cited = [{ source: "networking/dns.md", heading_path: ["Doc"], line_start: 1, line_end: 9, reason: 'retrieved for "dns"' }];
    const merged = citeFetched(
      cited,
      [
        { query: "dns", hit: hit("networking/dns.md", 1, 9) },
        { query: "nat", hit: hit("networking/nat.md", 3, 7) },
        { query: "nat again", hit: hit("networking/nat.md", 3, 7) },
      ],
      "gpt-x",
    );
    expect(merged.map((c) => c.reason)).toEqual([
      'retrieved for "dns"; fetched by model gpt-x through runbook_search for "dns"',
      'fetched by model gpt-x through runbook_search for "nat"',
    ]);
    expect(cited[0]?.reason).toBe('retrieved for "dns"'); // the node's list is not changed in place
  });
});
