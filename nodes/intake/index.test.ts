import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { buildPlanningGraph } from "../../graph/build.js";
import type { GraphDeps } from "../../graph/deps.js";
import type { PlanStateValue } from "../../graph/state.js";
import { goalStatementSchema } from "../../schemas/goal.js";
import { repoRoot } from "../../test/helpers/tmp.js";
import { GOAL_REQUIRED, goalFromText } from "./index.js";

const goal = goalStatementSchema.parse(JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8")));

/**
 * The graph stopped after its intake: the nodes after it never run, so they get no dependencies.
 * Each test has its own saver and thread.
 */
function intakeOnly() {
  const graph = buildPlanningGraph({} as GraphDeps, new MemorySaver());
  let n = 0;
  return {
    graph,
    async run(input: unknown, configurable: Record<string, unknown> = {}, threadId = `t-${++n}`) {
      const config = { configurable: { thread_id: threadId, ...configurable } };
      await graph.invoke(input as never, { ...config, interruptAfter: ["intake"] });
      const snapshot = await graph.getState(config);
      return { state: snapshot.values as PlanStateValue, next: snapshot.next, threadId };
    },
  };
}

describe("the graph's input is { goal } (or messages); the intake writes the rest", () => {
  it("drops input keys outside goal and messages; fills tenant, plan and trace ids when configurable has none", async () => {
    const { run } = intakeOnly();
    const { state, next, threadId } = await run({ goal, tenant: "evil", plan_id: "plan-evil", trace_id: "t", status: "DONE", revisions: 9 });
    expect(next).toEqual(["architect"]);
    expect(state.goal).toEqual(goal);
    expect(state.tenant).toBe("default");
    expect(state.plan_id).toBe(`plan-${threadId}`);
    expect(state.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(state.status).toBe("IN_PROGRESS");
    expect(state.revisions).toBe(0);
    expect(state.messages.map((m) => [m.getType(), m.name])).toEqual([["ai", "intake"]]);
  });

  it("takes tenant, plan_id and trace_id from configurable (Atlas's run driver); the plan id's thread is the tenant's own", async () => {
    const { run } = intakeOnly();
    const { state } = await run({ goal }, { tenant: "acme", plan_id: "plan-x", trace_id: "a".repeat(32) }, "acme/x");
    expect({ tenant: state.tenant, plan_id: state.plan_id, trace_id: state.trace_id }).toEqual({ tenant: "acme", plan_id: "plan-x", trace_id: "a".repeat(32) });
    const fallback = await run({ goal }, { tenant: "acme" }, "acme/y");
    expect(fallback.state.plan_id).toBe("plan-y");
  });

  it("reads the goal from the last human message: the GoalStatement, or { goal }, as JSON text or text parts", async () => {
    const { run } = intakeOnly();
    const plain = await run({ messages: [new HumanMessage(JSON.stringify(goal))] });
    expect(plain.state.goal).toEqual(goal);
    const wrapped = await run({ messages: [{ role: "user", content: [{ type: "text", text: JSON.stringify({ goal }) }] }] });
    expect(wrapped.state.goal).toEqual(goal);
    expect(wrapped.state.messages.map((m) => m.getType())).toEqual(["human", "ai"]);
  });

  it("without a usable goal the run fails saying to send { goal: GoalStatement }", async () => {
    const { run } = intakeOnly();
    await expect(run({})).rejects.toThrow(GOAL_REQUIRED);
    await expect(run({ messages: [new HumanMessage(JSON.stringify({ ...goal, budget: { monthly_usd: -1 } }))] })).rejects.toThrow(
      /budget\.monthly_usd: .*send \{ "goal": GoalStatement \}/,
    );
  });

  it("a new version on an old thread resets what the previous run left; the goal stays unless a new message brings one", async () => {
    const { graph, run } = intakeOnly();
    const first = await run({ goal }, { tenant: "acme", plan_id: "plan-old", trace_id: "1".repeat(32) }, "acme/old");
    const config = { configurable: { thread_id: first.threadId } };
    // what a finished run leaves behind (as if the apply node had written it)
    await graph.updateState(
      config,
      {
        status: "DONE",
        revisions: 2,
        open_findings: [],
        revision_comments: ["cheaper"],
        decision: { decision: "approve", approver: "alice" },
        rollback_requested: { by: "bob", reason: "why" },
        messages: [new AIMessage("done")],
      },
      "apply",
    );
    const again = await run(
      { goal: { ...goal, budget: { monthly_usd: 900 } } },
      { tenant: "acme", plan_id: "plan-old", trace_id: "2".repeat(32) },
      first.threadId,
    );
    expect(again.state).toMatchObject({
      status: "IN_PROGRESS",
      trace_id: "2".repeat(32),
      revisions: 0,
      revision_comments: [],
      decision: null,
      rollback_requested: null,
      goal: { budget: { monthly_usd: 900 } },
    });
    const chat = await run({ messages: [new HumanMessage(JSON.stringify({ ...goal, name: "chat-goal" }))] }, {}, first.threadId);
    expect(chat.state.goal.name).toBe("chat-goal");
    expect(chat.state.tenant).toBe("acme");
    expect(chat.state.plan_id).toBe("plan-old");
  });
});

describe("goalFromText", () => {
  it("is null for text that is not JSON, an Error naming the issues for JSON that is not a goal", () => {
    expect(goalFromText("hello")).toBeNull();
    const wrong = goalFromText(JSON.stringify({ goal: { name: "x" } }));
    expect(wrong).toBeInstanceOf(Error);
    expect((wrong as Error).message).toContain("name:");
  });
});
