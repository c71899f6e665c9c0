import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonSchemaOf, publishedSchemas } from "../../schemas/index.js";
import { encodeSegment, jsonText, mutatedOnce, nestedText, RawJson } from "./hostile.js";
import { type JsonSchema, schemaValue } from "./json-schema.js";

// The fuzz's generators must do what the fuzz claims: values from a schema are often accepted
// (else every case dies at validation and nothing deeper is reached; rules across fields, such
// as "changes only with revise", are not in JSON Schema and refuse the rest), a mutation changes one
// thing, and hostile JSON goes on the wire as written.

describe("fuzz generators", () => {
  it("values generated from a published JSON Schema are often accepted by its zod schema", () => {
    for (const name of ["goal-statement", "approval-decision"] as const) {
      const values = fc.sample(schemaValue(jsonSchemaOf(name) as JsonSchema, { components: {} }), { seed: 7, numRuns: 200 });
      const accepted = values.filter((value) => publishedSchemas[name].safeParse(value).success).length;
      expect(accepted, name).toBeGreaterThan(50);
    }
  });

  it("a mutation changes the value, one place at a time", () => {
    const valid = fc.constant({ decision: "revise", approver: "alice", changes: { budget: { monthly_usd: 900 } } });
    for (const mutated of fc.sample(mutatedOnce(valid), { seed: 3, numRuns: 100 })) {
      expect(jsonText(mutated)).not.toBe(jsonText({ decision: "revise", approver: "alice", changes: { budget: { monthly_usd: 900 } } }));
    }
  });

  it("writes raw JSON and own __proto__ keys as a hostile client sends them", () => {
    const value = { a: new RawJson("1e400"), b: JSON.parse('{"__proto__":{"polluted":true}}'), c: new RawJson(nestedText(3)) };
    expect(jsonText(value)).toBe('{"a":1e400,"b":{"__proto__":{"polluted":true}},"c":{"a":{"a":{"a":1}}}}');
    expect(nestedText(10_000)).toHaveLength(10_000 * 6 + 1);
  });

  it("percent-encodes path segments byte by byte, leaving unreserved characters", () => {
    expect(encodeSegment("a-b_c.d~e")).toBe("a-b_c.d~e");
    expect(encodeSegment("../x\u0000é")).toBe("..%2Fx%00%C3%A9");
    expect(encodeSegment("\ud800")).toBe("%EF%BF%BD");
  });
});
