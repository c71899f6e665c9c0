import { createMiddleware } from "langchain";
import type { ModelSpend } from "./spend.js";

/**
 * Model calls one model gets for one proposal: two rounds of look-ups (runbooks, prices) and
 * the answer. Every turn resends the whole conversation, so turns cost more the later they
 * come; with the default 12 000-token run budget a fourth turn would mostly spend what a
 * revision pass of the same run needs. Past it the agent stops and the model has failed.
 */
export const MAX_MODEL_CALLS = 3;

/**
 * Agent middleware around every model call of one agent run: refuses the call past
 * MAX_MODEL_CALLS and checks the token budget before it. It wraps the call itself rather than
 * hooking "before model" (as LangChain's `modelCallLimitMiddleware` does) because the agent's
 * router goes straight back to the model, past those hooks, when a server repeats a tool-call id.
 */
export function turnGuard(spend: ModelSpend) {
  let calls = 0;
  return createMiddleware({
    name: "AtlasTurnGuard",
    wrapModelCall: async (request, handler) => {
      if (calls >= MAX_MODEL_CALLS) throw new Error(`model call limit: ${MAX_MODEL_CALLS} calls made without a design proposal`);
      calls += 1;
      await spend.beforeCall();
      return handler(request);
    },
  });
}
