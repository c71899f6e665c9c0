import { describe, expect, it } from "vitest";
import { AtlasError, errorStatus, isAtlasError } from "./errors.js";

describe("AtlasError", () => {
  it("maps each code to its HTTP status", () => {
    for (const code of Object.keys(errorStatus) as (keyof typeof errorStatus)[]) {
      expect(new AtlasError(code, "x").status).toBe(errorStatus[code]);
    }
    expect(new AtlasError("CONFLICT", "x").status).toBe(409);
  });

  it("keeps issues, details and cause", () => {
    const cause = new Error("root");
    const error = new AtlasError("VALIDATION_FAILED", "bad", {
      issues: [{ path: "question", message: "Required" }],
      details: { hint: "h" },
      cause,
    });
    expect(error.issues).toEqual([{ path: "question", message: "Required" }]);
    expect(error.details).toEqual({ hint: "h" });
    expect(error.cause).toBe(cause);
    expect(error.name).toBe("AtlasError");
  });

  it("is recognised by code and name, not by class identity", () => {
    expect(isAtlasError(new AtlasError("NOT_FOUND", "x"))).toBe(true);
    // A copy made by another instance of the module looks like this.
    expect(isAtlasError(Object.assign(new Error("x"), { name: "AtlasError", code: "CONFLICT" }))).toBe(true);
    expect(isAtlasError(Object.assign(new Error("x"), { name: "AtlasError", code: "NOT_A_CODE" }))).toBe(false);
    expect(isAtlasError(Object.assign(new Error("x"), { code: "CONFLICT" }))).toBe(false);
    expect(isAtlasError(new Error("plain"))).toBe(false);
    expect(isAtlasError(null)).toBe(false);
    expect(isAtlasError("CONFLICT")).toBe(false);
  });
});
