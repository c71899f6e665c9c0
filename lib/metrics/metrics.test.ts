import { AIMessage } from "@langchain/core/messages";
import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { makeMetrics, tenantHash, tenantLabelMode } from "./index.js";
import { TokenCallback } from "./token-callback.js";

const sample = async (metrics: ReturnType<typeof makeMetrics>, line: string) => (await metrics.registry.metrics()).split("\n").find((l) => l.startsWith(line));

describe("metrics", () => {
  it("each app has its own registry; nothing lands on prom-client's global one", async () => {
    const a = makeMetrics();
    const b = makeMetrics();
    a.recordTokens("acme", "gpt-4.1", 120);
    expect(await sample(a, 'atlas_tokens_total{tenant="acme",model="gpt-4.1"}')).toMatch(/ 120$/);
    expect(await sample(b, "atlas_tokens_total{")).toBeUndefined();
    expect(globalRegistry.getSingleMetric("atlas_tokens_total")).toBeUndefined();
  });

  it("reads queue and budget gauges from the hooks on each scrape, once per scrape, and survives a failing source", async () => {
    // the sources a test can swap: what the queue and the budget would report
    let queue: () => Promise<{ depth: number; pending: number }> | { depth: number; pending: number } = () => ({ depth: 0, pending: 0 });
    let budgets: () => { tenant: string; daily_budget: number; used_today: number }[] = () => [];
    const metrics = makeMetrics({ sources: { queue: () => queue(), budgets: () => budgets() } });
    expect(await sample(metrics, "atlas_queue_depth ")).toBe("atlas_queue_depth 0");
    let reads = 0;
    queue = async () => {
      reads++;
      return { depth: 7, pending: 2 };
    };
    budgets = () => [{ tenant: "acme", daily_budget: 1000, used_today: 850 }];
    const text = await metrics.registry.metrics();
    expect(reads).toBe(1);
    expect(text).toContain("atlas_queue_depth 7");
    expect(text).toContain("atlas_queue_pending 2");
    expect(text).toContain('atlas_token_budget_daily{tenant="acme"} 1000');
    expect(text).toContain('atlas_tokens_used_today{tenant="acme"} 850');
    queue = () => {
      throw new Error("redis down");
    };
    expect(await metrics.registry.metrics()).toContain("atlas_queue_depth 7");
  });

  it("times search calls by outcome and records runs and dead letters", async () => {
    const metrics = makeMetrics();
    const search = metrics.timeRetrieval(async (query: string) => {
      if (query === "boom") throw new Error("db gone");
      return [];
    });
    await search("pods restarting");
    await expect(search("boom")).rejects.toThrow("db gone");
    metrics.recordRun("WAIT_FOR_APPROVE", 1.5);
    metrics.recordDeadLetter("apply.request");
    const text = await metrics.registry.metrics();
    expect(text).toContain('atlas_retrieval_seconds_count{outcome="ok"} 1');
    expect(text).toContain('atlas_retrieval_seconds_count{outcome="error"} 1');
    expect(text).toContain('atlas_run_seconds_bucket{le="2.5",status="WAIT_FOR_APPROVE"} 1');
    expect(text).toContain('atlas_runs_total{status="WAIT_FOR_APPROVE"} 1');
    expect(text).toContain('atlas_event_dead_letters_total{type="apply.request"} 1');
  });

  it("counts a chat model call's tokens under the model it was", () => {
    const seen: [string, number][] = [];
    const callback = new TokenCallback((model, tokens) => seen.push([model, tokens]));
    callback.handleChatModelStart({ lc: 1, type: "not_implemented", id: [] }, [], "run-1", undefined, { invocation_params: { model: "o3" } }, [], {
      ls_model_name: "gpt-4.1",
    });
    const message = new AIMessage({ content: "", usage_metadata: { input_tokens: 900, output_tokens: 100, total_tokens: 1000 } });
    callback.handleLLMEnd({ generations: [[{ text: "", message } as never]] }, "run-1");
    callback.handleChatModelStart({ lc: 1, type: "not_implemented", id: [] }, [], "run-2", undefined, { invocation_params: { model: "o3" } });
    callback.handleLLMEnd({ generations: [[]], llmOutput: { tokenUsage: { totalTokens: 42 } } }, "run-2");
    expect(seen).toEqual([
      ["gpt-4.1", 1000],
      ["o3", 42],
    ]);
  });

  it("labels tenants with a short stable hash when asked, on counters and cluster gauges alike", async () => {
    const metrics = makeMetrics({
      tenantLabel: "hash",
      sources: { runs: () => [{ tenant: "acme", status: "DONE", count: 2 }], budgets: () => [{ tenant: "acme", daily_budget: 1000, used_today: 850 }] },
    });
    metrics.recordTokens("acme", "gpt-4.1", 120);
    const text = await metrics.registry.metrics();
    const acme = tenantHash("acme");
    // SHA-256("acme"), first 12 hex digits: what `printf %s acme | sha256sum | cut -c1-12` prints
    expect(acme).toBe("822b33ad87c1");
    expect(tenantHash("acme2")).not.toBe(acme);
    expect(text).toContain(`atlas_tokens_total{tenant="${acme}",model="gpt-4.1"} 120`);
    expect(text).toContain(`atlas_runs_by_status{tenant="${acme}",status="DONE"} 2`);
    expect(text).toContain(`atlas_token_budget_daily{tenant="${acme}"} 1000`);
    expect(text).toContain(`atlas_tokens_used_today{tenant="${acme}"} 850`);
    expect(text).not.toContain("acme");
  });

  it("METRICS_TENANT_LABEL defaults to hash while /metrics is public and to names behind a key", () => {
    expect(tenantLabelMode(loadConfig({}))).toBe("hash");
    expect(tenantLabelMode(loadConfig({ METRICS_PUBLIC: "false" }))).toBe("name");
    expect(tenantLabelMode(loadConfig({ METRICS_TENANT_LABEL: "name" }))).toBe("name");
    expect(tenantLabelMode(loadConfig({ METRICS_PUBLIC: "false", METRICS_TENANT_LABEL: "hash" }))).toBe("hash");
    expect(() => loadConfig({ METRICS_TENANT_LABEL: "md5" })).toThrow(/METRICS_TENANT_LABEL/);
  });
});
