import { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import type { RunbookSearch, SearchOptions } from "./search.js";

export interface RunbookRetrieverInput extends BaseRetrieverInput {
  search: RunbookSearch;
  options?: SearchOptions;
}

/**
 * The runbook search as a LangChain retriever, so it composes with chains and agents.
 * Each document's metadata carries the citation: source, heading path, lines and scores.
 */
export class RunbookRetriever extends BaseRetriever {
  lc_namespace = ["atlas", "retrievers"];
  private readonly search: RunbookSearch;
  private readonly options: SearchOptions;

  constructor(fields: RunbookRetrieverInput) {
    super(fields);
    this.search = fields.search;
    this.options = fields.options ?? {};
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const hits = await this.search(query, this.options);
    return hits.map(({ content, ...hit }) => new Document({ pageContent: content, metadata: hit, id: hit.chunk_id }));
  }
}
