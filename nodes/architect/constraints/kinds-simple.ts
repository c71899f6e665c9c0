import type { Sentence } from "./clauses.js";
import { type Found, type KindReader, type KindResult, readingsOf, singleValued, wish } from "./found.js";
import type { Reading } from "./polarity.js";
import { securityControls } from "./wishes.js";

/**
 * Readers for the kinds whose terms carry their whole meaning: Kubernetes, CPU architecture,
 * VPC endpoints, serverless, Spot capacity and security controls. A permission that the type
 * cannot state ("Kubernetes is allowed") reads as no wish.
 */

const asked = (r: Reading) => r.polarity === "req" || r.polarity === "perm";

export const readKubernetes: KindReader = (s) =>
  singleValued(
    s,
    ["kubernetes"],
    (_m, r) => (r.polarity === "req" ? "required" : r.polarity === "neg" ? "forbidden" : null),
    (value, hard) => ({ kind: "kubernetes", value, hard }),
  );

/** Two architectures exist, so ruling one out asks for the other ("no Graviton" → x86_64). */
export const readArchitecture: KindReader = (s) =>
  singleValued(
    s,
    ["arch"],
    (m, r) => {
      const named = m.values[0] === "arm64" ? "arm64" : "x86_64";
      if (asked(r)) return named;
      if (r.polarity === "neg") return named === "arm64" ? "x86_64" : "arm64";
      return null;
    },
    (value, hard) => ({ kind: "cpu-architecture", value, hard }),
  );

export const readEndpoints: KindReader = (s) =>
  singleValued(
    s,
    ["vpc-endpoints"],
    (_m, r) => (asked(r) ? "preferred" : r.polarity === "neg" ? "forbidden" : null),
    (value, hard) => ({ kind: "vpc-endpoints", value, hard }),
  );

export const readServerless: KindReader = (s) =>
  singleValued(
    s,
    ["serverless"],
    (_m, r) => (asked(r) ? "preferred" : r.polarity === "neg" ? "forbidden" : null),
    (value, hard) => ({ kind: "serverless", value, hard }),
  );

/** Spot, or its opposite: "on-demand only" rules Spot out. */
export const readCapacity: KindReader = (s) =>
  singleValued(
    s,
    ["spot", "on-demand"],
    (m, r) => {
      const spot = m.topic === "spot";
      if (asked(r)) return spot ? "spot-allowed" : r.polarity === "req" ? "spot-forbidden" : null;
      if (r.polarity === "neg") return spot ? "spot-forbidden" : "spot-allowed";
      // "no need for on-demand capacity"
      if (r.polarity === "weak" && !spot) return "spot-allowed";
      return null;
    },
    (value, hard) => ({ kind: "capacity", value, hard }),
  );

type Control = (typeof securityControls)[number];

/**
 * Extra security controls, one wish per control. "No public endpoints" asks for private-only;
 * ruling a control out ("no WAF") has no typed form and makes the sentence not understood.
 */
export const readControls: KindReader = (s: Sentence): KindResult => {
  const found: Found[] = [];
  for (const { m, r } of readingsOf(s, ["control", "private-only", "public"])) {
    if (r.polarity === "skip" || r.polarity === "weak") return { found: [], unreadable: true };
    let control: Control | null = null;
    if (m.topic === "public") control = r.polarity === "neg" ? "private-only" : null;
    else if (r.polarity === "neg") return { found: [], unreadable: true };
    else if (asked(r)) control = m.topic === "private-only" ? "private-only" : (securityControls.find((c) => c === m.values[0]) ?? null);
    if (control && !found.some((f) => f.wish.kind === "security-control" && f.wish.control === control)) {
      found.push({ at: m.start, wish: wish(s, { kind: "security-control", control, hard: r.hard }) });
    }
  }
  return { found, unreadable: false };
};
