/**
 * AWS commercial regions the refresh knows, with the prefix AWS puts in front of a region's
 * `usagetype` values in the Price List (`EUC1-NatGateway-Hours`). US East (N. Virginia) usage
 * types carry `USE1-` in some offers and no prefix in others; a few offers (KMS) prefix the
 * region code itself (`eu-central-1-KMS-Keys`). Prefixes are AWS billing codes, public in every
 * Cost and Usage Report.
 */
export const KNOWN_REGIONS: Readonly<Record<string, { usagePrefix: string; location: string }>> = {
  "us-east-1": { usagePrefix: "USE1", location: "US East (N. Virginia)" },
  "us-east-2": { usagePrefix: "USE2", location: "US East (Ohio)" },
  "us-west-1": { usagePrefix: "USW1", location: "US West (N. California)" },
  "us-west-2": { usagePrefix: "USW2", location: "US West (Oregon)" },
  "ca-central-1": { usagePrefix: "CAN1", location: "Canada (Central)" },
  "sa-east-1": { usagePrefix: "SAE1", location: "South America (Sao Paulo)" },
  "eu-west-1": { usagePrefix: "EU", location: "EU (Ireland)" },
  "eu-west-2": { usagePrefix: "EUW2", location: "EU (London)" },
  "eu-west-3": { usagePrefix: "EUW3", location: "EU (Paris)" },
  "eu-central-1": { usagePrefix: "EUC1", location: "EU (Frankfurt)" },
  "eu-central-2": { usagePrefix: "EUC2", location: "EU (Zurich)" },
  "eu-north-1": { usagePrefix: "EUN1", location: "EU (Stockholm)" },
  "eu-south-1": { usagePrefix: "EUS1", location: "EU (Milan)" },
  "ap-northeast-1": { usagePrefix: "APN1", location: "Asia Pacific (Tokyo)" },
  "ap-northeast-2": { usagePrefix: "APN2", location: "Asia Pacific (Seoul)" },
  "ap-northeast-3": { usagePrefix: "APN3", location: "Asia Pacific (Osaka)" },
  "ap-southeast-1": { usagePrefix: "APS1", location: "Asia Pacific (Singapore)" },
  "ap-southeast-2": { usagePrefix: "APS2", location: "Asia Pacific (Sydney)" },
  "ap-south-1": { usagePrefix: "APS3", location: "Asia Pacific (Mumbai)" },
  "ap-east-1": { usagePrefix: "APE1", location: "Asia Pacific (Hong Kong)" },
  "me-south-1": { usagePrefix: "MES1", location: "Middle East (Bahrain)" },
  "af-south-1": { usagePrefix: "AFS1", location: "Africa (Cape Town)" },
};

/** True when `region` is a region code the refresh knows. */
export function isKnownRegion(region: string): boolean {
  return Object.hasOwn(KNOWN_REGIONS, region);
}

/**
 * The usage type without its region prefix (`EUC1-LCUUsage` → `LCUUsage`), or `undefined` when it
 * carries another region's prefix, so another region's SKU never matches.
 */
export function usageBase(usagetype: string, region: string): string | undefined {
  const known = KNOWN_REGIONS[region];
  const prefixes = [`${region}-`, ...(known ? [`${known.usagePrefix}-`] : [])];
  for (const prefix of prefixes) if (usagetype.startsWith(prefix)) return usagetype.slice(prefix.length);
  if (otherRegionPrefix(usagetype, region)) return undefined;
  return usagetype;
}

function otherRegionPrefix(usagetype: string, region: string): boolean {
  for (const [code, { usagePrefix }] of Object.entries(KNOWN_REGIONS)) {
    if (code === region) continue;
    if (usagetype.startsWith(`${usagePrefix}-`) || usagetype.startsWith(`${code}-`)) return true;
  }
  return false;
}
