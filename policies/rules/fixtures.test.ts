import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { IacFile } from "../../iac/types.js";
import { validateIac } from "../engine.js";
import { builtinRules } from "./index.js";

const ROOT = join(import.meta.dirname, "fixtures");
const TRIVY_ID = /^(AWS|KSV|AZU|GCP)-\d{4}$/;

/** The files of one case (`fail` or `pass`) of a fixture folder, as the validator reads them. */
function caseFiles(id: string, which: "fail" | "pass"): IacFile[] {
  const dir = join(ROOT, id);
  return readdirSync(dir)
    .filter((name) => name.startsWith(`${which}.`) || name.startsWith(`${which}-`))
    .sort()
    .map((name) => ({ path: name.replace(/^(fail|pass)-?/, "").replace(/^\./, "main."), content: readFileSync(join(dir, name), "utf8") }));
}

const folders = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const claimed = [...new Set(builtinRules.flatMap((rule) => rule.aliases).filter((alias) => TRIVY_ID.test(alias)))].sort();

describe("Trivy checks claimed by the built-in rules", () => {
  it("each has a fixture folder, and each folder is a claimed id", () => {
    expect(claimed.filter((id) => !folders.includes(id))).toEqual([]);
    expect(folders.filter((id) => !claimed.includes(id))).toEqual([]);
  });

  describe.each(folders)("%s", (id) => {
    it("fails its bad case", async () => {
      const files = caseFiles(id, "fail");
      expect(files.length).toBeGreaterThan(0);
      const report = await validateIac(files, { environment: "prod" });
      expect(report.findings.filter((f) => f.aliases.includes(id)).map((f) => f.rule_id)).not.toEqual([]);
    });

    it("passes its good case", async () => {
      const files = caseFiles(id, "pass");
      expect(files.length).toBeGreaterThan(0);
      const report = await validateIac(files, { environment: "prod" });
      expect(report.findings.filter((f) => f.aliases.includes(id)).map((f) => `${f.rule_id} ${f.resource}: ${f.message}`)).toEqual([]);
    });
  });
});
