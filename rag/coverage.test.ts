import { describe, expect, it } from "vitest";
import { analyze } from "./analyzer.js";
import { contentTerms, isGenericTerm } from "./coverage.js";

describe("contentTerms", () => {
  it("drops the words that only frame a question", () => {
    expect(contentTerms("How do I fix the best way to bake sourdough bread?")).toEqual(analyze("bake sourdough bread"));
    expect(contentTerms("What is the best pizza topping?")).toEqual(analyze("pizza topping"));
  });

  it("keeps the terms that carry an infrastructure question, each once", () => {
    expect(contentTerms("replication lag on the replica, replica lag again")).toEqual(analyze("replication lag replica again"));
    expect(contentTerms("pods stuck in ContainerCreating")).toEqual(analyze("pods stuck ContainerCreating"));
  });

  it("is empty for a question that names no subject", () => {
    expect(contentTerms("how do I fix it?")).toEqual([]);
  });

  it("judges stemmed index terms", () => {
    expect(isGenericTerm(analyze("fixing")[0] as string)).toBe(true);
    expect(isGenericTerm(analyze("replication")[0] as string)).toBe(false);
  });
});
