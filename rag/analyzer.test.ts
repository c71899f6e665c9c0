import { describe, expect, it } from "vitest";
import { analyze, stem, TERM_SPACE, termFrequencies, termId } from "./analyzer.js";

describe("analyze", () => {
  it("splits camelCase and PascalCase words and keeps the whole word too", () => {
    const terms = analyze("KubePodCrashLooping");
    expect(terms).toEqual(["kubepodcrashloop", "kube", "pod", "crash", "loop"]);
    expect(analyze("maxWalSenders")).toEqual(["maxwalsend", "max", "wal", "sender"]);
  });

  it("splits an acronym from the word after it", () => {
    expect(analyze("HTTPServer")).toEqual([stem("httpserver"), "http", "server"]);
  });

  it("drops stop words and lone letters but keeps numbers", () => {
    expect(analyze("What is the exit code of a pod that was OOMKilled? 137")).toEqual(["exit", "code", "pod", stem("oomkilled"), "oom", stem("killed"), "137"]);
    expect(analyze("the and of to in x y z")).toEqual([]);
    expect(analyze("5 x")).toEqual(["5"]);
  });

  it("lower-cases and stems, so inflections match", () => {
    expect(analyze("Restarting RESTARTS restarted")).toEqual(["restart", "restart", "restart"]);
  });

  it("splits on punctuation and keeps non-ASCII letters", () => {
    expect(analyze("pg_stat_replication, max-wal-senders; café")).toEqual(["pg", "stat", "replic", "max", "wal", "sender", "café"]);
  });

  it("drops absurdly long tokens such as hashes", () => {
    expect(analyze(`sha ${"a1".repeat(30)}`)).toEqual(["sha"]);
  });
});

describe("term ids", () => {
  it("are stable, within the term space and distinct for different terms", () => {
    expect(termId("restart")).toBe(termId("restart"));
    const ids = ["restart", "pod", "replic", "disk", "dns", "coredn"].map(termId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(Number.isInteger(id)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(0);
      expect(id).toBeLessThan(TERM_SPACE);
    }
  });

  it("termFrequencies counts occurrences per term id", () => {
    const tf = termFrequencies(["pod", "restart", "pod"]);
    expect(tf.get(termId("pod"))).toBe(2);
    expect(tf.get(termId("restart"))).toBe(1);
    expect(tf.size).toBe(2);
  });
});
