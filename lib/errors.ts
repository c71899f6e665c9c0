/** The fixed set of error codes Atlas returns, each with its HTTP status. */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_FAILED: 502,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** A problem at one place in the input, e.g. `{ path: "goal.region", message: "Required" }`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The one error type Atlas throws on purpose. Check `code`, not `instanceof`. */
export class AtlasError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[] | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { issues?: FieldIssue[]; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "AtlasError";
    this.code = code;
    this.issues = options.issues;
    this.details = options.details;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

/** True for any error carrying one of Atlas's codes, whichever copy of this module made it. */
export function isAtlasError(error: unknown): error is AtlasError {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof (error as { code: unknown }).code === "string" &&
    (error as { code: string }).code in errorStatus &&
    (error as { name?: unknown }).name === "AtlasError"
  );
}
