import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("applies the documented defaults to an empty environment", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8787);
    expect(config.HOST).toBe("127.0.0.1");
    expect(config.RAG_TOP_K).toBe(15);
    expect(config.RAG_COLLAPSE_BY_FILE).toBe(true);
    expect(config.RAG_RELEVANCY_THRESHOLD).toBe(0.28);
    expect(config.BODY_LIMIT_BYTES).toBe(1_048_576);
    expect(config.LOG_LEVEL).toBe("info");
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.OPENAI_API_KEY).toBeUndefined();
    expect(config.dataDir).toBe(resolve(".atlas"));
  });

  it("coerces numbers and booleans from strings", () => {
    const config = loadConfig({
      PORT: "9000",
      RAG_TOP_K: " 7 ",
      RAG_RELEVANCY_THRESHOLD: "0.25",
      RAG_COLLAPSE_BY_FILE: "false",
      BODY_LIMIT_BYTES: "2048",
    });
    expect(config.PORT).toBe(9000);
    expect(config.RAG_TOP_K).toBe(7);
    expect(config.RAG_RELEVANCY_THRESHOLD).toBe(0.25);
    expect(config.RAG_COLLAPSE_BY_FILE).toBe(false);
    expect(config.BODY_LIMIT_BYTES).toBe(2048);
    for (const [raw, expected] of [
      ["1", true],
      ["yes", true],
      ["0", false],
      ["no", false],
      ["true", true],
    ] as const) {
      expect(loadConfig({ RAG_COLLAPSE_BY_FILE: raw }).RAG_COLLAPSE_BY_FILE).toBe(expected);
    }
  });

  it("treats empty and blank values as unset", () => {
    const config = loadConfig({ PORT: "", OPENAI_API_KEY: "   ", DATABASE_URL: "" });
    expect(config.PORT).toBe(8787);
    expect(config.OPENAI_API_KEY).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it("resolves ATLAS_DATA_DIR to an absolute dataDir", () => {
    const config = loadConfig({ ATLAS_DATA_DIR: "some/relative/dir" });
    expect(config.ATLAS_DATA_DIR).toBe("some/relative/dir");
    expect(config.dataDir).toBe(resolve("some/relative/dir"));
  });

  it("ignores variables it does not know", () => {
    const config = loadConfig({ UNRELATED_SETTING: "x", PATH: "/bin" });
    expect(config).not.toHaveProperty("UNRELATED_SETTING");
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "80.5"],
    ["RAG_COLLAPSE_BY_FILE", "maybe"],
    ["RAG_TOP_K", "0"],
    ["RAG_RELEVANCY_THRESHOLD", "1.5"],
    ["LOG_LEVEL", "loud"],
    ["DATABASE_URL", "not a url"],
  ])("rejects %s=%s with an error naming the variable and the value", (name, value) => {
    let caught: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe("CONFIG_INVALID");
    expect((caught as Error).message).toContain(`${name}=${JSON.stringify(value)}`);
  });

  it("names every wrong variable at once", () => {
    expect(() => loadConfig({ PORT: "abc", RAG_COLLAPSE_BY_FILE: "maybe" })).toThrow(
      /PORT="abc".*RAG_COLLAPSE_BY_FILE="maybe"|RAG_COLLAPSE_BY_FILE="maybe".*PORT="abc"/,
    );
  });
});

describe("security settings", () => {
  it("default to auth on, 120 requests a minute, no CORS origin and no HSTS", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ ATLAS_AUTH: "on", RATE_LIMIT_PER_MINUTE: 120, CORS_ORIGINS: [], HSTS_MAX_AGE: 0 });
  });

  it("parse a CORS origin list and refuse what is not an origin, naming the variable", () => {
    expect(loadConfig({ CORS_ORIGINS: "https://ops.example.com, http://localhost:3000/" }).CORS_ORIGINS).toEqual([
      "https://ops.example.com",
      "http://localhost:3000",
    ]);
    expect(loadConfig({ CORS_ORIGINS: "*" }).CORS_ORIGINS).toEqual(["*"]);
    expect(() => loadConfig({ CORS_ORIGINS: "https://ops.example.com/path" })).toThrow(/CORS_ORIGINS=.*is not an origin/);
    expect(() => loadConfig({ ATLAS_AUTH: "maybe" })).toThrow(/ATLAS_AUTH="maybe"/);
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: "-1" })).toThrow(/RATE_LIMIT_PER_MINUTE="-1"/);
  });
});
