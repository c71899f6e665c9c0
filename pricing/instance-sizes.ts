/**
 * Instance sizes and their normalisation factors, for price tables kept compactly: one list
 * price per family, at one size, plus the sizes the family really has. Within such a family
 * AWS prices every size in proportion to its factor (nano 0.25, micro 0.5, small 1, medium 2,
 * large 4, xlarge 8, Nxlarge 8N); `metal` is billed like the family's largest virtual size,
 * `metal-24xl` / `metal-48xl` like 24xlarge / 48xlarge. Families whose sizes do not follow the
 * factors (GPU families, c4, r3…) are listed size by size in the explicit tables instead.
 */

/** One family in a compact table: `hour` is the list price of `base`; `sizes` are those that exist. */
export interface FamilyRate {
  base: string;
  hour: number;
  sizes: readonly string[];
}

const NAMED_FACTORS: Readonly<Record<string, number>> = { nano: 0.25, micro: 0.5, small: 1, medium: 2, large: 4, xlarge: 8 };

/** The normalisation factor of a virtual size (`large`, `12xlarge`…); undefined for metal and unknown words. */
export function sizeFactor(size: string): number | undefined {
  if (Object.hasOwn(NAMED_FACTORS, size)) return NAMED_FACTORS[size];
  const multiple = /^(\d+)xlarge$/.exec(size);
  return multiple ? 8 * Number(multiple[1]) : undefined;
}

/** The factor a size is billed at within `sizes`: its own, or for metal that of the size it matches. */
function billedFactor(size: string, sizes: readonly string[]): number | undefined {
  const pinned = /^metal-(\d+)xl$/.exec(size);
  if (pinned) return 8 * Number(pinned[1]);
  if (size !== "metal") return sizeFactor(size);
  const virtual = sizes.map(sizeFactor).filter((f): f is number => f !== undefined);
  return virtual.length > 0 ? Math.max(...virtual) : undefined;
}

/** Splits `m5.large` into family `m5` and size `large` (the size is the last dot-separated part). */
export function splitType(type: string): { family: string; size: string } | undefined {
  const dot = type.lastIndexOf(".");
  if (dot <= 0 || dot === type.length - 1) return undefined;
  return { family: type.slice(0, dot), size: type.slice(dot + 1) };
}

/**
 * The hourly price of `type` from a compact family table, or why there is none: the family
 * is not listed, or it has no such size (an `m5.nano` stays unpriced rather than extrapolated).
 */
export function familyPrice(families: Readonly<Record<string, FamilyRate>>, type: string): { ok: true; hour: number } | { ok: false; reason: string } {
  const parts = splitType(type);
  const family = parts && Object.hasOwn(families, parts.family) ? families[parts.family] : undefined;
  if (!parts || !family) return { ok: false, reason: "family not listed" };
  if (!family.sizes.includes(parts.size)) {
    return { ok: false, reason: `${parts.family} has no size "${parts.size}" (sizes: ${family.sizes.join(", ")})` };
  }
  const factor = billedFactor(parts.size, family.sizes);
  const baseFactor = sizeFactor(family.base);
  if (factor === undefined || baseFactor === undefined) return { ok: false, reason: `size "${parts.size}" has no normalisation factor` };
  // toPrecision strips float noise (0.096 × 6 = 0.5760000000000001): list prices have few digits.
  return { ok: true, hour: Number(((family.hour * factor) / baseFactor).toPrecision(10)) };
}
