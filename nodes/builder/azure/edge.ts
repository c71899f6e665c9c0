import { block, type HclBlock, type HclExpr, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { HEALTH_PATH } from "../sizing.js";
import { appRole } from "./compute.js";
import { type AzureContext, PLACEMENT } from "./context.js";
import { type AzureSection, diagnosticSetting } from "./shared.js";
import { siteBucket, storageAddress } from "./storage.js";

/** Address of the Front Door profile. */
export const FRONT_DOOR = "azurerm_cdn_frontdoor_profile.main";

/** true when the design has a public Front Door entry (a web API or a static site). */
export function hasFrontDoor(ctx: AzureContext): boolean {
  return ctx.has("azure-front-door") && ctx.plan.network.ingress.type === "front-door";
}

/**
 * Front Door tier: Premium when the plan asks for a WAF, since managed rule sets (OWASP default
 * rules, bot protection) need Premium; Standard otherwise.
 * Source: learn.microsoft.com/azure/frontdoor/standard-premium/tier-comparison.
 */
export function frontDoorSku(ctx: AzureContext): "Standard_AzureFrontDoor" | "Premium_AzureFrontDoor" {
  return ctx.plan.security.waf ? "Premium_AzureFrontDoor" : "Standard_AzureFrontDoor";
}

/** Where Front Door sends requests: the static website, the HTTP service's FQDN, or the AKS ingress host. */
function origin(ctx: AzureContext): { host: HclExpr; probePath: string } | undefined {
  const site = siteBucket(ctx);
  if (ctx.platform === "none" && site) return { host: ref(`${storageAddress(site)}.primary_web_host`), probePath: "/" };
  if (ctx.platform === "aks") return { host: ref("var.aks_ingress_hostname"), probePath: HEALTH_PATH };
  const service = ctx.components("azure-container-app").find((app) => appRole(ctx, app.id) === "service");
  if (service) return { host: ref(`azurerm_container_app.${tfName(service.id)}.ingress[0].fqdn`), probePath: HEALTH_PATH };
  return undefined;
}

/** A Front Door WAF policy name: letters and digits only, starting with a letter. */
export function wafPolicyName(ctx: AzureContext): string {
  return `waf${ctx.prefix.replace(/[^a-z0-9]/g, "")}`.slice(0, 128);
}

/**
 * The WAF policy in Prevention mode with Microsoft's default rule set (OWASP) and the bot manager
 * rule set, and the security policy attaching it to the endpoint's every path.
 */
function waf(ctx: AzureContext, owner: string): HclBlock[] {
  return [
    ctx.resource("azurerm_cdn_frontdoor_firewall_policy", "main", owner, {
      name: wafPolicyName(ctx),
      resource_group_name: PLACEMENT.resource_group_name,
      sku_name: frontDoorSku(ctx),
      enabled: true,
      mode: "Prevention",
      request_body_check_enabled: true,
      managed_rule: [
        block({ type: "Microsoft_DefaultRuleSet", version: "2.1", action: "Block" }),
        block({ type: "Microsoft_BotManagerRuleSet", version: "1.1", action: "Block" }),
      ],
    }),
    ctx.resource("azurerm_cdn_frontdoor_security_policy", "main", owner, {
      name: `${ctx.prefix}-waf`,
      cdn_frontdoor_profile_id: ref(`${FRONT_DOOR}.id`),
      security_policies: block({
        firewall: block({
          cdn_frontdoor_firewall_policy_id: ref("azurerm_cdn_frontdoor_firewall_policy.main.id"),
          association: block({ domain: block({ cdn_frontdoor_domain_id: ref("azurerm_cdn_frontdoor_endpoint.main.id") }), patterns_to_match: ["/*"] }),
        }),
      }),
    }),
  ];
}

/**
 * edge.tf: Front Door (profile, endpoint, origin group with a health probe, the origin over HTTPS
 * with certificate name checks, a route that redirects HTTP to HTTPS and forwards HTTPS only;
 * caching and compression for static sites), the WAF when the plan asks for one, access and WAF
 * logs to the workspace.
 */
export function renderEdge(ctx: AzureContext): AzureSection[] {
  if (!hasFrontDoor(ctx)) return [];
  const target = origin(ctx);
  if (!target) return [{ file: "edge.tf", blocks: [], notes: ["Front Door not rendered: the design has no HTTP service or static site to send traffic to."] }];
  const owner = ctx.component(["azure-front-door"]);
  const site = ctx.platform === "none";
  const blocks: HclBlock[] = [
    ctx.resource("azurerm_cdn_frontdoor_profile", "main", owner, {
      name: `afd-${ctx.prefix}`,
      resource_group_name: PLACEMENT.resource_group_name,
      sku_name: frontDoorSku(ctx),
      response_timeout_seconds: 60,
    }),
    ctx.resource("azurerm_cdn_frontdoor_endpoint", "main", owner, { name: `fde-${ctx.prefix}`, cdn_frontdoor_profile_id: ref(`${FRONT_DOOR}.id`) }),
    ctx.resource("azurerm_cdn_frontdoor_origin_group", "main", owner, {
      name: "origins",
      cdn_frontdoor_profile_id: ref(`${FRONT_DOOR}.id`),
      session_affinity_enabled: false,
      load_balancing: block({ sample_size: 4, successful_samples_required: 3 }),
      health_probe: block({ interval_in_seconds: 60, path: target.probePath, protocol: "Https", request_type: "HEAD" }),
    }),
    ctx.resource("azurerm_cdn_frontdoor_origin", "main", owner, {
      name: site ? "static-website" : "app",
      cdn_frontdoor_origin_group_id: ref("azurerm_cdn_frontdoor_origin_group.main.id"),
      enabled: true,
      host_name: target.host,
      origin_host_header: target.host,
      http_port: 80,
      https_port: 443,
      certificate_name_check_enabled: true,
      priority: 1,
      weight: 1000,
    }),
    ctx.resource("azurerm_cdn_frontdoor_route", "main", owner, {
      name: "all-paths",
      cdn_frontdoor_endpoint_id: ref("azurerm_cdn_frontdoor_endpoint.main.id"),
      cdn_frontdoor_origin_group_id: ref("azurerm_cdn_frontdoor_origin_group.main.id"),
      cdn_frontdoor_origin_ids: [ref("azurerm_cdn_frontdoor_origin.main.id")],
      supported_protocols: ["Http", "Https"],
      patterns_to_match: ["/*"],
      forwarding_protocol: "HttpsOnly",
      https_redirect_enabled: true,
      link_to_default_domain: true,
      cache: site
        ? block({
            query_string_caching_behavior: "IgnoreQueryString",
            compression_enabled: true,
            content_types_to_compress: ["application/javascript", "application/json", "image/svg+xml", "text/css", "text/html", "text/plain"],
          })
        : undefined,
    }),
    ...(ctx.plan.security.waf ? waf(ctx, owner) : []),
    diagnosticSetting(ctx, "front_door", owner, ref(`${FRONT_DOOR}.id`)),
  ];
  const notes = ctx.plan.security.waf ? [] : ["No WAF: the plan does not ask for one (security.waf is false)."];
  return [{ file: "edge.tf", blocks, notes }];
}
