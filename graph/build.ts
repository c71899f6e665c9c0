import { randomUUID } from "node:crypto";
import { AIMessage } from "@langchain/core/messages";
import type { BaseCheckpointSaver, LangGraphRunnableConfig } from "@langchain/langgraph";
import { END, START, StateGraph } from "@langchain/langgraph";
import { makeApply } from "../nodes/apply/index.js";
import { makeApproval } from "../nodes/approval/index.js";
import { makeArchitect } from "../nodes/architect/index.js";
import { makeBuilder } from "../nodes/builder/index.js";
import { clarify } from "../nodes/clarify/index.js";
import { makeIntake } from "../nodes/intake/index.js";
import { makeRollback } from "../nodes/rollback/index.js";
import { makeValidator } from "../nodes/validator/index.js";
import type { GraphDeps } from "./deps.js";
import { PlanInput, PlanState, type PlanStateUpdate, type PlanStateValue } from "./state.js";
import {
  type NodeUpdate,
  type Summariser,
  summariseApply,
  summariseApproval,
  summariseArchitect,
  summariseBuilder,
  summariseClarify,
  summariseIntake,
  summariseRollback,
  summariseValidator,
} from "./summaries.js";

/** Where the graph goes after each node, by the status the node set. */
const afterIntake = (state: PlanStateValue) => (state.status === "WAIT_FOR_ANSWER" ? "clarify" : "architect");
const afterArchitect = (state: PlanStateValue) => (state.status === "BLOCKED" ? END : "builder");
const afterValidator = (state: PlanStateValue) => (state.status === "WAIT_FOR_APPROVE" ? "approval" : state.status === "BLOCKED" ? END : "architect");
const afterApproval = (state: PlanStateValue) => (state.status === "APPLYING" ? "apply" : state.status === "REJECTED" ? END : "architect");
const afterApply = (state: PlanStateValue) => (state.rollback_requested ? "rollback" : END);

type PlanNode = (state: PlanStateValue, config: LangGraphRunnableConfig) => PlanStateUpdate | Promise<PlanStateUpdate>;

/**
 * A node whose update also appends one AI message (named after the node) saying what it did: the
 * `messages` channel agent-chat-ui shows. One wrapper rather than a line in every node keeps the
 * nodes about planning; the summarisers (graph/summaries.ts) read only the update and the state.
 * A node that throws (an interrupt, a failure) appends nothing.
 */
export function withSummary(name: string, node: PlanNode, summarise: Summariser) {
  return async function summarised(state: PlanStateValue, config: LangGraphRunnableConfig): Promise<PlanStateUpdate> {
    const update = await node(state, config);
    const line = summarise(update as NodeUpdate, state);
    // an id of its own, so a chat client merging streamed messages by id sees each once
    return { ...update, messages: [new AIMessage({ content: line, name, id: randomUUID() })] };
  };
}

/**
 * The planning graph:
 * intake [→ clarify (interrupt) when a plain-language goal leaves a deciding fact unstated] → architect → builder → validator → approval (interrupt) → apply [→ rollback on request].
 * The input is only `{ goal }` (or a human message carrying it: PlanInput); the intake writes the
 * rest. validator FAIL loops to the architect (at most twice, then BLOCKED); approval revise loops too.
 */
export function buildPlanningGraph(deps: GraphDeps, checkpointer?: BaseCheckpointSaver) {
  return new StateGraph({ stateSchema: PlanState, input: PlanInput })
    .addNode("intake", withSummary("intake", makeIntake(deps), summariseIntake))
    .addNode("clarify", withSummary("clarify", clarify, summariseClarify))
    .addNode("architect", withSummary("architect", makeArchitect(deps), summariseArchitect))
    .addNode("builder", withSummary("builder", makeBuilder(deps), summariseBuilder))
    .addNode("validator", withSummary("validator", makeValidator(deps), summariseValidator))
    .addNode("approval", withSummary("approval", makeApproval(deps), summariseApproval))
    .addNode("apply", withSummary("apply", makeApply(deps), summariseApply))
    .addNode("rollback", withSummary("rollback", makeRollback(deps), summariseRollback))
    .addEdge(START, "intake")
    .addConditionalEdges("intake", afterIntake, ["clarify", "architect"])
    .addEdge("clarify", "architect")
    .addConditionalEdges("architect", afterArchitect, ["builder", END])
    .addEdge("builder", "validator")
    .addConditionalEdges("validator", afterValidator, ["approval", "architect", END])
    .addConditionalEdges("approval", afterApproval, ["apply", "architect", END])
    .addConditionalEdges("apply", afterApply, ["rollback", END])
    .addEdge("rollback", END)
    .compile({ checkpointer });
}

export type PlanningGraph = ReturnType<typeof buildPlanningGraph>;
