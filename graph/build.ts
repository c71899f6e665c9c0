import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { END, START, StateGraph } from "@langchain/langgraph";
import { makeApply } from "../nodes/apply/index.js";
import { makeApproval } from "../nodes/approval/index.js";
import { makeArchitect } from "../nodes/architect/index.js";
import { makeBuilder } from "../nodes/builder/index.js";
import { makeRollback } from "../nodes/rollback/index.js";
import { makeValidator } from "../nodes/validator/index.js";
import type { GraphDeps } from "./deps.js";
import { PlanState, type PlanStateValue } from "./state.js";

/** Where the graph goes after each node, by the status the node set. */
const afterArchitect = (state: PlanStateValue) => (state.status === "BLOCKED" ? END : "builder");
const afterValidator = (state: PlanStateValue) => (state.status === "WAIT_FOR_APPROVE" ? "approval" : state.status === "BLOCKED" ? END : "architect");
const afterApproval = (state: PlanStateValue) => (state.status === "APPLYING" ? "apply" : state.status === "REJECTED" ? END : "architect");
const afterApply = (state: PlanStateValue) => (state.rollback_requested ? "rollback" : END);

/**
 * The planning graph:
 * architect → builder → validator → approval (interrupt) → apply [→ rollback on request].
 * validator FAIL loops to the architect (at most twice, then BLOCKED); approval revise loops too.
 */
export function buildPlanningGraph(deps: GraphDeps, checkpointer?: BaseCheckpointSaver) {
  return new StateGraph(PlanState)
    .addNode("architect", makeArchitect(deps))
    .addNode("builder", makeBuilder(deps))
    .addNode("validator", makeValidator(deps))
    .addNode("approval", makeApproval(deps))
    .addNode("apply", makeApply(deps))
    .addNode("rollback", makeRollback(deps))
    .addEdge(START, "architect")
    .addConditionalEdges("architect", afterArchitect, ["builder", END])
    .addEdge("builder", "validator")
    .addConditionalEdges("validator", afterValidator, ["approval", "architect", END])
    .addConditionalEdges("approval", afterApproval, ["apply", "architect", END])
    .addConditionalEdges("apply", afterApply, ["rollback", END])
    .addEdge("rollback", END)
    .compile({ checkpointer });
}

export type PlanningGraph = ReturnType<typeof buildPlanningGraph>;
