import { describe, expect, it } from "vitest";
import { analyze } from "./analyzer.js";
import { makeSnippet } from "./snippet.js";

describe("makeSnippet", () => {
  const content = [
    "## Diagnosis",
    "",
    "Look at the dashboards first.",
    "Check replication with pg_stat_replication on the primary.",
    "Then look at replay lag on the replica.",
  ].join("\n");

  it("starts at the line with most query terms and widens with the lines after it", () => {
    const snippet = makeSnippet(content, analyze("replication lag primary"));
    expect(snippet.startsWith("Check replication with pg_stat_replication on the primary.")).toBe(true);
    expect(snippet).toContain("replay lag on the replica");
    expect(snippet).not.toContain("dashboards");
  });

  it("strips heading marks and collapses whitespace", () => {
    const snippet = makeSnippet("## Resolution\n\n   Restart    the   pod.", analyze("resolution"));
    expect(snippet).toBe("Resolution Restart the pod.");
  });

  it("never picks a fence line and stays near 280 characters with an ellipsis", () => {
    const long = [
      "```bash",
      `echo ${"restart ".repeat(10)}`,
      "```",
      ...Array.from({ length: 20 }, (_, i) => `Restart step ${i} of the long procedure with words.`),
    ].join("\n");
    const snippet = makeSnippet(long, analyze("restart"));
    expect(snippet.startsWith("```")).toBe(false);
    expect(snippet.length).toBeLessThanOrEqual(280);
    expect(snippet.endsWith("…")).toBe(true);
  });

  it("falls back to the first line when nothing matches", () => {
    expect(makeSnippet("First line.\nSecond line.", analyze("unrelated"))).toBe("First line. Second line.");
  });
});
