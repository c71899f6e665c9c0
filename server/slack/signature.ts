import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack refuses requests older than five minutes to stop replays; so does Atlas. */
export const SLACK_MAX_AGE_SECONDS = 300;

/** Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`. */
export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a Slack request's `X-Slack-Signature` and `X-Slack-Request-Timestamp` headers against
 * the raw body, in constant time; a timestamp more than five minutes from `now` is refused.
 */
export function verifySlackSignature(input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  now: Date;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "missing or malformed X-Slack-Request-Timestamp" };
  if (!signature) return { ok: false, reason: "missing X-Slack-Signature" };
  const age = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp));
  if (age > SLACK_MAX_AGE_SECONDS) return { ok: false, reason: "request timestamp is more than five minutes old" };
  const expected = Buffer.from(slackSignature(input.secret, timestamp, input.rawBody), "utf8");
  const given = Buffer.from(signature, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "signature does not match" };
  return { ok: true };
}
