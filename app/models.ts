import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { NamedModel } from "../graph/deps.js";
import type { Config } from "../lib/config.js";

/** A chat model on the configured OpenAI-compatible endpoint. */
function chatModel(ChatOpenAI: typeof import("@langchain/openai").ChatOpenAI, config: Config & { OPENAI_API_KEY: string }, name: string): BaseChatModel {
  return new ChatOpenAI({
    apiKey: config.OPENAI_API_KEY,
    model: name,
    // reasoning models (o1, o3, ...) accept only their default temperature
    ...(/^o\d/.test(name) ? {} : { temperature: 0 }),
    maxRetries: config.OPENAI_MAX_RETRIES,
    configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : undefined,
  });
}

/**
 * OPENAI_MODEL then each OPENAI_FALLBACK_MODELS entry; empty without a key (deterministic mode).
 * The OpenAI client is loaded only when there is a key.
 */
export async function modelChainFromConfig(config: Config): Promise<NamedModel[]> {
  const key = config.OPENAI_API_KEY;
  if (!key) return [];
  const { ChatOpenAI } = await import("@langchain/openai");
  return [config.OPENAI_MODEL, ...config.OPENAI_FALLBACK_MODELS.filter((name) => name !== config.OPENAI_MODEL)].map((name) => ({
    name,
    model: chatModel(ChatOpenAI, { ...config, OPENAI_API_KEY: key }, name),
  }));
}

/** The primary chat model (OPENAI_MODEL), or null without a key. */
export async function chatModelFromConfig(config: Config): Promise<BaseChatModel | null> {
  return (await modelChainFromConfig(config))[0]?.model ?? null;
}
