import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badFileReasons, writeBadFilesFolder } from "../test/fixtures/bad-files.js";
import { fixtureRunbooksDir, makeTmpDir, removeTmpDir } from "../test/helpers/tmp.js";
import { MAX_FILE_BYTES, readSourceRoot } from "./files.js";

describe("readSourceRoot", () => {
  let tmp: string;
  let mixed: string;

  beforeAll(() => {
    tmp = makeTmpDir();
    mixed = writeBadFilesFolder(tmp);
  });
  afterAll(() => removeTmpDir(tmp));

  it("skips each bad kind of file with its reason and keeps the good one", async () => {
    const root = await readSourceRoot(mixed);
    expect(root.files.map((file) => file.source)).toEqual(["nested/deeper/good-runbook.md"]);
    const reasons = new Map(root.skipped.map((file) => [file.source, file.reason]));
    expect([...reasons.keys()].sort()).toEqual(Object.keys(badFileReasons).sort());
    for (const [source, pattern] of Object.entries(badFileReasons)) expect(reasons.get(source)).toMatch(pattern);
    expect(reasons.get("oversized.md")).toContain(`> ${MAX_FILE_BYTES}`);
  });

  it("does not walk node_modules", async () => {
    const root = await readSourceRoot(mixed);
    const seen = [...root.files, ...root.skipped].map((file) => file.source);
    expect(seen.some((source) => source.includes("node_modules"))).toBe(false);
  });

  it("names files relative to the folder with forward slashes, collection after the folder", async () => {
    const root = await readSourceRoot(fixtureRunbooksDir);
    expect(root.collection).toBe("runbooks");
    expect(root.files.map((file) => file.source)).toEqual([
      "compute/kube-pod-crashlooping.md",
      "databases/postgres-replication-lag.md",
      "networking/dns-resolution.md",
      "notes/oncall-handover.txt",
      "storage/disk-full.md",
    ]);
    for (const file of root.files) {
      expect(file.source).not.toContain("\\");
      expect(file.absolutePath).toBe(join(fixtureRunbooksDir, ...file.source.split("/")));
    }
    expect(root.files.find((file) => file.source.endsWith(".txt"))?.markdown).toBe(false);
    expect(root.files.find((file) => file.source.endsWith(".md"))?.markdown).toBe(true);
  });

  it("hashes content, counts bytes and strips a byte-order mark", async () => {
    const dir = join(tmp, "bom");
    mkdirSync(dir);
    writeFileSync(join(dir, "a.md"), "\uFEFF# A\n\nbody\n");
    writeFileSync(join(dir, "b.md"), "# A\n\nbody\n");
    const root = await readSourceRoot(dir);
    const [a, b] = root.files;
    expect(a?.text).toBe("# A\n\nbody\n");
    expect(a?.bytes).toBe(Buffer.byteLength("\uFEFF# A\n\nbody\n"));
    expect(a?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a?.contentHash).not.toBe(b?.contentHash);
  });

  it("takes a single file, named by its base name, in its folder's collection", async () => {
    const root = await readSourceRoot(join(fixtureRunbooksDir, "storage", "disk-full.md"));
    expect(root.collection).toBe("storage");
    expect(root.files.map((file) => file.source)).toEqual(["disk-full.md"]);
  });

  it("uses a given collection name and a given size limit", async () => {
    const root = await readSourceRoot(fixtureRunbooksDir, { collection: "ops", maxBytes: 400 });
    expect(root.collection).toBe("ops");
    expect(root.skipped.length).toBeGreaterThan(0);
    for (const file of root.skipped) expect(file.reason).toMatch(/too large \(\d+ bytes > 400\)/);
    for (const file of root.files) expect(file.bytes).toBeLessThanOrEqual(400);
  });

  it("reports a dangling symbolic link as unreadable instead of failing", async () => {
    const dir = join(tmp, "links");
    mkdirSync(dir);
    writeFileSync(join(dir, "real.md"), "# Real\n\ntext\n");
    symlinkSync(join(dir, "missing.md"), join(dir, "dangling.md"));
    const root = await readSourceRoot(dir);
    expect(root.files.map((file) => file.source)).toEqual(["real.md"]);
    expect(root.skipped).toEqual([{ source: "dangling.md", reason: "unreadable (ENOENT)" }]);
  });
});
