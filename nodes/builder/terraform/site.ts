import type { BuildContext } from "../context.js";

type Bucket = BuildContext["plan"]["buckets"][number];

/**
 * The bucket CloudFront serves: the first one marked `public_website`, or, when the plan's
 * ingress is CloudFront (static sites), its first bucket. Either way the bucket stays private.
 */
export function siteBucket(ctx: BuildContext): Bucket | undefined {
  const { buckets, network, compute } = ctx.plan;
  const cdn = network.ingress.type === "cloudfront" || compute.platform === "none";
  return buckets.find((b) => b.public_website) ?? (cdn ? buckets[0] : undefined);
}
