import { z } from "zod";
import { type ApprovalDecision, approvalDecisionSchema } from "./reports.js";

/**
 * agent-chat-ui's HumanResponse to a HumanInterrupt (langchain-ai/agent-inbox's schema). The
 * approval offers accept, respond and ignore; edit (`allow_edit: false`) is refused by name.
 */
const humanResponseSchema = z.discriminatedUnion(
  "type",
  [
    /** approve; `args` is the action request as shown (or null): nothing to read */
    z.object({ type: z.literal("accept"), args: z.unknown().optional() }),
    /** revise: the text is the reviewer's comment */
    z.object({ type: z.literal("response"), args: z.string().trim().min(1, "a response needs the reviewer's comment").max(4000) }),
    /** reject */
    z.object({ type: z.literal("ignore"), args: z.unknown().optional() }),
    z.object({ type: z.literal("edit"), args: z.unknown().optional() }).refine(() => false, {
      message: "edit is not offered for a plan approval (allow_edit is false): accept, respond with a comment (revise), or ignore (reject)",
      path: ["type"],
    }),
  ],
  { error: 'expected "accept" (approve), "response" (revise with a comment) or "ignore" (reject)' },
);

export type HumanResponse = z.infer<typeof humanResponseSchema>;

export type ToApprovalDecision = { ok: true; decision: ApprovalDecision } | { ok: false; error: z.ZodError };

/** The issues of `error` with `prefix` before their paths (the element of a one-element array). */
const prefixed = (error: z.ZodError, prefix: PropertyKey[]) => new z.ZodError(error.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] })));

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** One HumanResponse as an ApprovalDecision by `approver`: accept → approve, response → revise, ignore → reject. */
function fromHumanResponse(value: unknown, approver: string): ToApprovalDecision {
  const parsed = humanResponseSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: parsed.error };
  const response = parsed.data;
  const decision =
    response.type === "accept"
      ? { decision: "approve", approver }
      : response.type === "response"
        ? { decision: "revise", approver, comment: response.args }
        : { decision: "reject", approver };
  return fromAtlasDecision(decision, approver);
}

/** Atlas's own decision; `approver` fills a missing approver (a caller that knows who answered sets it). */
function fromAtlasDecision(value: Record<string, unknown>, approver: string): ToApprovalDecision {
  const parsed = approvalDecisionSchema.safeParse({ ...value, approver: value.approver ?? approver });
  return parsed.success ? { ok: true, decision: parsed.data } : { ok: false, error: parsed.error };
}

/**
 * What an approval interrupt was resumed with, as an ApprovalDecision: Atlas's own
 * `{ decision, approver?, comment?, changes? }`, or agent-chat-ui's HumanResponse, alone or as the
 * one-element array it sends. A value with `type` is read as a HumanResponse, anything else as
 * Atlas's decision. Errors are zod errors whose issue paths name the field (`type`, `0.args`,
 * `decision`), so an HTTP layer can answer 400 naming `command.resume.<path>`.
 */
export function toApprovalDecision(resume: unknown, approver: string): ToApprovalDecision {
  if (Array.isArray(resume)) {
    if (resume.length !== 1) {
      return {
        ok: false,
        error: new z.ZodError([{ code: "custom", path: [], input: resume, message: `expected one HumanResponse in the array, got ${resume.length}` }]),
      };
    }
    const one = fromOne(resume[0], approver);
    return one.ok ? one : { ok: false, error: prefixed(one.error, [0]) };
  }
  return fromOne(resume, approver);
}

/** One answer, not in an array: a HumanResponse when it has `type`, else Atlas's decision. */
function fromOne(value: unknown, approver: string): ToApprovalDecision {
  if (isRecord(value) && "type" in value) return fromHumanResponse(value, approver);
  if (isRecord(value)) return fromAtlasDecision(value, approver);
  // not an object: the decision schema says what it expected, at the root
  const parsed = approvalDecisionSchema.safeParse(value);
  return parsed.success ? { ok: true, decision: parsed.data } : { ok: false, error: parsed.error };
}
