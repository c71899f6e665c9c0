import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage } from "@langchain/core/messages";
import { mergeConfigs } from "@langchain/core/runnables";
import { getConfig } from "@langchain/langgraph";
import { createAgent, toolCallLimitMiddleware, toolStrategy } from "langchain";
import type { RunbookSearch } from "../../rag/search.js";
import { makeCostEstimateTool } from "../../tools/cost-estimate.js";
import { makeRunbookSearchTool } from "../../tools/runbook-search.js";
import { type DesignProposal, designProposalSchema } from "./model.js";
import { type DesignQuestion, designRequest, designSystemPrompt } from "./prompt.js";
import type { ModelSpend } from "./spend.js";
import { MAX_MODEL_CALLS, turnGuard } from "./turns.js";

/** Tool calls per proposal, so one turn cannot fan out into many searches; more are refused to the model. */
export const MAX_TOOL_CALLS = 4;

/** What the agent stands on besides its model. */
export interface DesignAgentContext {
  search: RunbookSearch;
  spend: ModelSpend;
}

/**
 * Runs LangChain's tool-calling agent (`createAgent`) with one model: it may call
 * `runbook_search` and `cost_estimate`, then must answer by calling `design_proposal`. Throws
 * when the model fails, runs out of turns, or answers outside the proposal schema.
 */
export async function askDesignAgent(model: BaseChatModel, question: DesignQuestion, context: DesignAgentContext): Promise<DesignProposal> {
  const agent = createAgent({
    model,
    name: "architect",
    tools: [makeRunbookSearchTool(context.search), makeCostEstimateTool()],
    systemPrompt: designSystemPrompt(MAX_MODEL_CALLS),
    // the answer is a tool call validated against the schema; a bad one is this model's failure,
    // not a prompt to try again (handleError: false), so the next model of the chain gets its turn
    responseFormat: toolStrategy(designProposalSchema, { handleError: false }),
    middleware: [turnGuard(context.spend), toolCallLimitMiddleware({ runLimit: MAX_TOOL_CALLS, exitBehavior: "continue" })],
    // the agent's turns live within the architect node: they are not checkpointed into the run's thread
    checkpointer: false,
  });
  // Callbacks given to invoke replace the ones the run inherited (the run's token metrics,
  // tracing), so the meter is added to those rather than passed alone.
  const { callbacks } = mergeConfigs({ callbacks: getConfig()?.callbacks }, { callbacks: [context.spend.callback()] });
  const result = await agent.invoke(
    { messages: [new HumanMessage(designRequest(question))] },
    // graph steps per turn: the model, the tool-call limit's after-model hook, the tools; the
    // turn guard stops the agent well before this backstop
    { callbacks, recursionLimit: 5 * (MAX_MODEL_CALLS + 1) },
  );
  if (!result.structuredResponse) throw new Error("the model stopped without a design proposal");
  return designProposalSchema.parse(result.structuredResponse);
}
