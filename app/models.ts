import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatOpenAI } from "@langchain/openai";
import type { NamedModel } from "../graph/deps.js";
import type { Config } from "../lib/config.js";

/** A chat model on the configured OpenAI-compatible endpoint. */
function chatModel(config: Config & { OPENAI_API_KEY: string }, name: string): BaseChatModel {
  return new ChatOpenAI({
    apiKey: config.OPENAI_API_KEY,
    model: name,
    // reasoning models (o1, o3, ...) accept only their default temperature
    ...(/^o\d/.test(name) ? {} : { temperature: 0 }),
    maxRetries: config.OPENAI_MAX_RETRIES,
    configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : undefined,
  });
}

/** OPENAI_MODEL then each OPENAI_FALLBACK_MODELS entry; empty without a key (deterministic mode). */
export function modelChainFromConfig(config: Config): NamedModel[] {
  const key = config.OPENAI_API_KEY;
  if (!key) return [];
  return [config.OPENAI_MODEL, ...config.OPENAI_FALLBACK_MODELS.filter((name) => name !== config.OPENAI_MODEL)].map((name) => ({
    name,
    model: chatModel({ ...config, OPENAI_API_KEY: key }, name),
  }));
}

/** The primary chat model (OPENAI_MODEL), or null without a key. */
export function chatModelFromConfig(config: Config): BaseChatModel | null {
  return modelChainFromConfig(config)[0]?.model ?? null;
}
