import { describe, expect, it } from "vitest";
import type { BuildArtifacts } from "../schemas/reports.js";
import { storeArtifacts, withContents } from "./artifact-contents.js";
import { type ArtifactStore, contentDigest } from "./artifact-store.js";

/** An artifact store in a Map, recording what was asked of it. */
function memoryStore() {
  const table = new Map<string, string>();
  const asked: string[][] = [];
  const store: ArtifactStore = {
    async put(contents) {
      for (const content of contents) table.set(contentDigest(content), content);
      return contents.map(contentDigest);
    },
    async get(digests) {
      asked.push([...digests]);
      return new Map(digests.filter((d) => table.has(d)).map((d) => [d, table.get(d) as string]));
    },
  };
  return { store, table, asked };
}

const file = (path: string, content: string) => ({
  path,
  kind: "terraform" as const,
  sha256: contentDigest(content),
  bytes: Buffer.byteLength(content),
  content,
});

describe("artifact contents", () => {
  const built: BuildArtifacts = {
    plan_id: "plan-t",
    plan_version: 1,
    trace_id: "a".repeat(32),
    files: [file("terraform/main.tf", "a = 1\n"), file("terraform/outputs.tf", "b = 2\n")],
    digest: "d".repeat(64),
  };

  it("stores every content before handing back a manifest without contents", async () => {
    const { store, table } = memoryStore();
    const manifest = await storeArtifacts(store, built);
    expect(manifest.files.every((f) => !("content" in f))).toBe(true);
    expect(manifest.files.map((f) => f.sha256)).toEqual(built.files.map((f) => f.sha256));
    expect({ ...manifest, files: [] }).toEqual({ ...built, files: [] });
    expect([...table.values()].sort()).toEqual(["a = 1\n", "b = 2\n"]);
  });

  it("reads contents from the store, but from the state where an older checkpoint still carries them", async () => {
    const { store, asked } = memoryStore();
    const manifest = await storeArtifacts(store, built);
    const legacy = file("README.md", "written before the store\n"); // never stored
    const files = await withContents(store, [legacy, ...manifest.files]);
    expect(files.map((f) => f.content)).toEqual(["written before the store\n", "a = 1\n", "b = 2\n"]);
    expect(asked).toEqual([manifest.files.map((f) => f.sha256)]);
    await withContents(store, [legacy]);
    expect(asked).toHaveLength(1); // nothing to look up
  });

  it("refuses to make up a content the store does not hold", async () => {
    const { store } = memoryStore();
    const { content: _content, ...missing } = file("terraform/lost.tf", "lost\n");
    await expect(withContents(store, [missing])).rejects.toMatchObject({ code: "INTERNAL", message: expect.stringContaining("terraform/lost.tf") });
  });
});
