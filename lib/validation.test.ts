import { describe, expect, it } from "vitest";
import { z } from "zod";
import { adviceBodySchema } from "../server/routes/advice.js";
import { searchBodySchema } from "../server/routes/rag.js";
import { isAtlasError } from "./errors.js";
import { issuePath, parseInput } from "./validation.js";

function issuesOf(schema: z.ZodType, input: unknown, where?: string): { path: string; message: string }[] {
  try {
    parseInput(schema, input, where);
  } catch (error) {
    expect(isAtlasError(error)).toBe(true);
    expect((error as { code: string }).code).toBe("VALIDATION_FAILED");
    return (error as { issues: { path: string; message: string }[] }).issues;
  }
  throw new Error("expected the input to be rejected");
}

describe("issuePath", () => {
  it("formats nested keys and array indexes", () => {
    expect(issuePath(["filters", "collection"])).toBe("filters.collection");
    expect(issuePath(["items", 2, "name"])).toBe("items[2].name");
    expect(issuePath([])).toBe("(body)");
    expect(issuePath(["page"], "query")).toBe("query.page");
  });
});

describe("parseInput", () => {
  it("returns parsed, trimmed data", () => {
    expect(parseInput(adviceBodySchema, { question: "  disk full  ", top_k: 3 })).toEqual({ question: "disk full", top_k: 3 });
  });

  it.each([
    [{}, "question"],
    [{ question: "" }, "question"],
    [{ question: "   " }, "question"],
    [{ question: "x", top_k: "a" }, "top_k"],
    [{ question: "x", top_k: 0 }, "top_k"],
    [{ question: "x", top_k: 2.5 }, "top_k"],
    [{ question: "x", filters: { collection: 5 } }, "filters.collection"],
    [{ question: "x", colour: "red" }, "colour"],
    [{ question: "x", filters: { nope: 1 } }, "filters.nope"],
    [[1, 2], "(body)"],
    ["just a string", "(body)"],
    [null, "(body)"],
  ])("rejects %j naming %s", (input, path) => {
    const issues = issuesOf(adviceBodySchema, input);
    expect(issues.map((issue) => issue.path)).toContain(path);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
  });

  it("names each unknown field on its own", () => {
    const issues = issuesOf(searchBodySchema, { query: "x", first: 1, second: 2 });
    expect(issues.map((issue) => issue.path).sort()).toEqual(["first", "second"]);
  });

  it("prefixes paths for non-body input and lists them in the message", () => {
    const schema = z.object({ page: z.coerce.number().int() });
    const issues = issuesOf(schema, { page: "x" }, "query");
    expect(issues.map((issue) => issue.path)).toEqual(["query.page"]);
    expect(() => parseInput(schema, { page: "x" }, "query")).toThrow(/Invalid request: query\.page: /);
  });
});
