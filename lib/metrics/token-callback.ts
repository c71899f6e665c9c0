import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";

/**
 * Counts the tokens of every chat-model call made during one run. Passed as a run callback,
 * LangChain hands it to the model calls nested in the graph's nodes, so no node has to know.
 */
export class TokenCallback extends BaseCallbackHandler {
  name = "atlas-token-metrics";
  /** Count before the model call returns, so a run's tokens are in before the run ends. */
  override awaitHandlers = true;
  private readonly models = new Map<string, string>();

  constructor(private readonly record: (model: string, tokens: number) => void) {
    // only model calls matter: skip the callbacks of every node, chain, tool and retriever
    super({ ignoreChain: true, ignoreAgent: true, ignoreRetriever: true, ignoreCustomEvent: true });
  }

  override handleChatModelStart(
    _llm: Serialized,
    _messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    const invocation = extraParams?.invocation_params as { model?: unknown } | undefined;
    this.models.set(runId, String(metadata?.ls_model_name ?? invocation?.model ?? "unknown"));
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const model = this.models.get(runId) ?? "unknown";
    this.models.delete(runId);
    let tokens = 0;
    for (const generation of output.generations.flat()) {
      const usage = (generation as { message?: { usage_metadata?: { total_tokens?: number } } }).message?.usage_metadata;
      tokens += usage?.total_tokens ?? 0;
    }
    if (tokens === 0) {
      const usage = output.llmOutput?.tokenUsage as { totalTokens?: number } | undefined;
      tokens = usage?.totalTokens ?? 0;
    }
    this.record(model, tokens);
  }

  override handleLLMError(_error: unknown, runId: string): void {
    this.models.delete(runId);
  }
}
