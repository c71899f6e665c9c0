import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit, Severity } from "../types.js";
import { bool, cannotVerify, hit, num, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

/**
 * Shared pieces of the Azure (azurerm provider) rules. Provider 4.x renamed several
 * arguments (`enable_https_traffic_only` became `https_traffic_only_enabled`); rules list the
 * 4.x name first and the 3.x name after, and read whichever the configuration sets.
 */

/** The first of `names` the resource sets, with the name it was set under. */
export function setting(attrs: Record<string, unknown>, names: readonly string[]): { name: string; value: unknown } | undefined {
  const name = names.find((candidate) => attrs[candidate] !== undefined && attrs[candidate] !== null);
  return name === undefined ? undefined : { name, value: attrs[name] };
}

/** True for severities where an undecidable value must be reported as "cannot verify". */
export function mustVerify(severity: Severity): boolean {
  return severity === "critical" || severity === "high";
}

/**
 * A boolean argument as the provider applies it: the literal when set, the provider's
 * documented default when absent, `unknown` when it is an expression.
 */
export function effectiveBool(attrs: Record<string, unknown>, names: readonly string[], providerDefault: boolean): boolean | typeof UNKNOWN {
  const found = setting(attrs, names);
  if (!found) return providerDefault;
  const value = bool(found.value);
  return value === undefined ? providerDefault : value;
}

/** What a boolean-argument rule needs to know (see {@link booleanRule}). */
export interface BooleanRuleSpec {
  id: string;
  title: string;
  severity: Severity;
  aliases: string[];
  remediation: string;
  /** resource types the argument belongs to */
  types: readonly string[];
  /** the argument's names, azurerm 4.x first */
  names: readonly string[];
  /** the value the provider uses when the argument is absent (from the azurerm resource docs) */
  providerDefault: boolean;
  /** the value that is safe */
  safe: boolean;
  /** only in this environment (e.g. prod) */
  environment?: "prod";
  /** the finding's text, given the argument name and whether it was set or defaulted */
  message(attribute: string, declared: boolean): string;
}

/**
 * A rule about one boolean argument that must have one value. An absent argument is judged by
 * the provider's default; an unresolved input is "cannot verify" for high and critical rules.
 */
export function booleanRule(spec: BooleanRuleSpec): Rule {
  return {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    aliases: spec.aliases,
    target: "terraform",
    remediation: spec.remediation,
    check(ctx: RuleContext) {
      if (spec.environment && ctx.environment !== spec.environment) return [];
      const hits: RuleHit[] = [];
      for (const resource of ofType(ctx, ...spec.types)) {
        const found = setting(resource.attributes, spec.names);
        const value = effectiveBool(resource.attributes, spec.names, spec.providerDefault);
        if (value === UNKNOWN) {
          if (found && mustVerify(spec.severity) && unresolvedInput(found.value)) hits.push(cannotVerify(resource, found.name, found.value));
          continue;
        }
        if (value !== spec.safe) hits.push(hit(resource, spec.message(found?.name ?? spec.names[0] ?? "", found !== undefined)));
      }
      return hits;
    },
  };
}

/** Minimum TLS versions below 1.2, in the spellings Azure services use (`TLS1_0`, `1.0`, `TLS1.1`). */
const OLD_TLS = /^(tls)?v?1[._]?[01]$/i;

/** True when a TLS version string names TLS 1.0 or 1.1. */
export function isOldTls(version: string): boolean {
  return OLD_TLS.test(version.trim());
}

/** What a minimum-TLS rule needs to know (see {@link minimumTlsRule}). */
export interface TlsRuleSpec {
  id: string;
  title: string;
  severity: Severity;
  aliases: string[];
  remediation: string;
  types: readonly string[];
  /** the argument's names, azurerm 4.x first */
  names: readonly string[];
  /** the spelling of TLS 1.2 the argument takes, for messages */
  modern: string;
}

/**
 * A rule about a minimum TLS version argument. Every resource it covers defaults to TLS 1.2
 * in azurerm 4.x, so only an explicit older version is a finding.
 */
export function minimumTlsRule(spec: TlsRuleSpec): Rule {
  return {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    aliases: spec.aliases,
    target: "terraform",
    remediation: spec.remediation,
    check(ctx) {
      const hits: RuleHit[] = [];
      for (const resource of ofType(ctx, ...spec.types)) {
        const found = setting(resource.attributes, spec.names);
        if (!found) continue;
        const version = str(found.value) ?? (typeof found.value === "number" ? String(found.value) : undefined);
        if (version === UNKNOWN) {
          if (mustVerify(spec.severity) && unresolvedInput(found.value)) hits.push(cannotVerify(resource, found.name, found.value));
        } else if (version !== undefined && isOldTls(version)) {
          hits.push(
            hit(resource, `${found.name} = "${version}" still accepts clients on TLS 1.0/1.1, which have known weaknesses; ${spec.modern} is the minimum.`),
          );
        }
      }
      return hits;
    },
  };
}

/** Literal number argument, the default when absent; `unknown` when an expression. */
export function effectiveNumber(attrs: Record<string, unknown>, name: string, providerDefault: number): number | typeof UNKNOWN {
  const value = num(attrs[name]);
  return value === undefined ? providerDefault : value;
}

/** True when `resource` declares at least one block named `name`. */
export function hasBlock(resource: TerraformResource, name: string): boolean {
  const value = resource.attributes[name];
  return Array.isArray(value) ? value.length > 0 : typeof value === "object" && value !== null;
}
