import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readIacFolder } from "./read-folder.js";

describe("readIacFolder", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "atlas-iac-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("collects IaC files recursively, sorted, with forward-slash relative paths", async () => {
    const files: Record<string, string> = {
      "main.tf": "a",
      "stack.tf.json": "{}",
      "k8s/app.yaml": "b",
      "k8s/extra.yml": "c",
      "k8s/list.json": "{}",
      "modules/net/vpc.tf": "d",
      "README.md": "skip",
      "node_modules/x/main.tf": "skip",
      ".terraform/modules/y/main.tf": "skip",
      ".git/config.yaml": "skip",
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dir, path, ".."), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const read = await readIacFolder(dir);
    expect(read.map((f) => f.path)).toEqual(["k8s/app.yaml", "k8s/extra.yml", "k8s/list.json", "main.tf", "modules/net/vpc.tf", "stack.tf.json"]);
    expect(read.find((f) => f.path === "modules/net/vpc.tf")?.content).toBe("d");
  });
});
