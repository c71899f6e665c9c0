import { errorStatus } from "../../lib/errors.js";
import { errorResponseSchema } from "../../server/responses.js";
import type { WireAnswer, WireRequest } from "./http.js";

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * What is wrong with one answer, or nothing: a 5xx; a 4xx that is not the one error shape
 * (`{ error: { code, message } }`, with the code that owns its status if one does); a 400 that names no field; a stream
 * that reports an internal error; a thread of another tenant than the caller's (`foreignIds`) answered.
 */
export function answerProblems(request: WireRequest, answer: WireAnswer, foreignIds: string[]): string[] {
  const problems: string[] = [];
  const { status } = answer;
  if (status >= 500) problems.push(`answered ${status}`);
  if (status >= 400 && status < 500 && request.method !== "HEAD") {
    const parsed = errorResponseSchema.safeParse(parseJson(answer.body));
    if (!parsed.success) problems.push(`${status} is not the error shape { error: { code, message } }`);
    else {
      const { code, issues } = parsed.data.error;
      // a status with a code of its own carries that code; one without (408, 414, 431, ...) any code
      const owner = Object.entries(errorStatus).find(([, owned]) => owned === status)?.[0];
      if (owner && owner !== code) problems.push(`${status} carries code ${code} (${status} is ${owner})`);
      if (status === 400 && !(issues?.length && issues.every((issue) => issue.path.length > 0))) problems.push("400 names no field (`issues` is empty)");
    }
  }
  const contentType = String(answer.headers["content-type"] ?? "");
  if (contentType.includes("text/event-stream") && /event: error\ndata: [^\n]*"code":"INTERNAL"/.test(answer.body)) {
    problems.push("the event stream reported an internal error");
  }
  const named = foreignIds.filter((id) => request.path.includes(id));
  // OPTIONS is CORS's preflight, answered for any path without reading anything
  if (status >= 200 && status < 300 && request.method !== "OPTIONS" && named.length)
    problems.push(`answered ${status} for another tenant's thread ${named.join(", ")}`);
  return problems;
}

/** The request and answer as a failure report shows them (keys hidden, long bodies cut). */
export function describeExchange(request: WireRequest, answer: WireAnswer | Error, keyNames: Map<string, string>): string {
  const cut = (text: string, at = 600) => (text.length > at ? `${text.slice(0, at)}… (${text.length} chars)` : text);
  const headers = Object.entries(request.headers).map(([name, value]) => {
    if (name !== "authorization") return `${name}: ${cut(value, 120)}`;
    const key = value.replace(/^Bearer /, "");
    return `authorization: ${keyNames.has(key) ? `Bearer <${keyNames.get(key)} key>` : cut(value, 60)}`;
  });
  const body = request.body ? cut(JSON.stringify(request.body.toString("utf8"))) : "(none)";
  const got = answer instanceof Error ? `no answer: ${answer.message}` : `${answer.status} ${cut(answer.body)}`;
  return `${request.method} ${cut(request.path, 300)}\n  ${headers.join("\n  ")}\n  body: ${body}\n  -> ${got}`;
}
