import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTmpDir, removeTmpDir } from "../test/helpers/tmp.js";
import { buildInputs, sourceFolders, staleReason, stampPath, stampText } from "./build-state.mjs";

describe("staleReason: is dist/ older than its sources?", () => {
  let outDir: string;
  const inputs = (entries: Record<string, number>) => new Map(Object.entries(entries));
  const build = (startedAt: number, read: Record<string, number>, typeErrors = false) =>
    writeFileSync(stampPath(outDir), stampText(startedAt, inputs(read), typeErrors));

  beforeEach(() => {
    outDir = makeTmpDir("atlas-build-state-");
    mkdirSync(join(outDir, "app"));
    writeFileSync(join(outDir, "app", "main.js"), "");
  });
  afterEach(() => removeTmpDir(outDir));

  it("is fresh when every input is older than the build's start and none came or went", () => {
    build(1_000, { "app/main.ts": 900, "lib/log.ts": 1_000 });
    expect(staleReason(outDir, inputs({ "app/main.ts": 900, "lib/log.ts": 1_000 }))).toBeNull();
  });

  it("names what makes it stale", () => {
    expect(staleReason(outDir, inputs({ "app/main.ts": 1 }))).toBe("no finished build");
    build(1_000, { "app/main.ts": 900, "lib/log.ts": 900 });
    // changed while or after the build ran
    expect(staleReason(outDir, inputs({ "app/main.ts": 900, "lib/log.ts": 1_001 }))).toBe("lib/log.ts changed");
    expect(staleReason(outDir, inputs({ "app/main.ts": 900, "lib/log.ts": 900, "lib/new.ts": 10 }))).toBe("lib/new.ts added");
    expect(staleReason(outDir, inputs({ "app/main.ts": 900 }))).toBe("lib/log.ts removed");
    build(1_000, { "app/main.ts": 900 }, true);
    expect(staleReason(outDir, inputs({ "app/main.ts": 900 }))).toBe("the last build had type errors");
  });

  it("is stale when the compiled entry point is gone", () => {
    build(1_000, { "app/main.ts": 900 });
    removeTmpDir(join(outDir, "app"));
    expect(staleReason(outDir, inputs({ "app/main.ts": 900 }))).toBe("app/main.js missing");
  });

  it("reads the sources tsconfig.build.json compiles, the migrations and the build's own files, never tests", () => {
    expect(sourceFolders()).toEqual(expect.arrayContaining(["app", "server", "lib"]));
    const paths = [...buildInputs().keys()];
    expect(paths).toEqual(expect.arrayContaining(["app/main.ts", "lib/config.ts", "package.json", "tsconfig.build.json", "scripts/build.mjs"]));
    expect(paths.some((path) => path.startsWith("migrations/"))).toBe(true);
    expect(paths.filter((path) => path.endsWith(".test.ts"))).toEqual([]);
  });
});
