import type { HclBlock, HclValue } from "../hcl.js";
import { ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { appRole } from "./compute.js";
import type { AzureContext } from "./context.js";
import { cacheAddress, serverAddress } from "./data.js";
import { hasFrontDoor } from "./edge.js";
import { identityAddress, workloadIdentities } from "./identity.js";
import { type AzureSection, REGISTRY, VAULT } from "./shared.js";
import { storageAddress } from "./storage.js";

function output(name: string, description: string, value: HclValue): HclBlock {
  return { type: "output", labels: [name], body: { description, value } };
}

/** outputs.tf: what operators, CI and the Kubernetes side need after `terraform apply`. */
export function renderOutputs(ctx: AzureContext): AzureSection[] {
  const { plan } = ctx;
  const blocks: HclBlock[] = [output("resource_group_name", "Resource group of the design", ref("azurerm_resource_group.main.name"))];
  if (hasFrontDoor(ctx))
    blocks.push(output("front_door_host_name", "Point the public DNS record (CNAME) here", ref("azurerm_cdn_frontdoor_endpoint.main.host_name")));
  if (ctx.has("azure-container-registry")) blocks.push(output("registry_login_server", "Push release images here", ref(`${REGISTRY}.login_server`)));
  if (ctx.has("azure-key-vault")) {
    blocks.push(output("key_vault_uri", "Key Vault holding the app's secrets", ref(`${VAULT}.vault_uri`)));
    if (plan.security.secrets.length > 0) {
      blocks.push(
        output(
          "key_vault_secret_names",
          "Secrets to set in the Key Vault before the app starts (their values are never in these files)",
          plan.security.secrets.map((s) => s.name),
        ),
      );
    }
  }
  for (const app of ctx.components("azure-container-app")) {
    if (appRole(ctx, app.id) === "service" && plan.network.ingress.type !== "none") {
      blocks.push(
        output(
          `app_${tfName(app.id)}_fqdn`,
          `Container app ${app.id} (reached through Front Door when public)`,
          ref(`azurerm_container_app.${tfName(app.id)}.ingress[0].fqdn`),
        ),
      );
    }
  }
  if (ctx.platform === "aks") {
    blocks.push(
      output("aks_cluster_name", "az aks get-credentials --name <this>", ref("azurerm_kubernetes_cluster.main.name")),
      output("aks_oidc_issuer_url", "Issuer the workload identity federation trusts", ref("azurerm_kubernetes_cluster.main.oidc_issuer_url")),
    );
  }
  for (const identity of workloadIdentities(ctx)) {
    blocks.push(
      output(
        `identity_${identity.name}_client_id`,
        `Client id of the ${identity.principal} identity (AZURE_CLIENT_ID; the service account annotation on AKS)`,
        ref(`${identityAddress(identity)}.client_id`),
      ),
    );
  }
  for (const db of plan.databases)
    blocks.push(output(`database_${tfName(db.id)}_fqdn`, `${db.engine} server ${db.id} (private, TLS required)`, ref(`${serverAddress(db)}.fqdn`)));
  for (const cache of plan.caches)
    blocks.push(output(`redis_${tfName(cache.id)}_host_name`, `Redis ${cache.id} (private endpoint, TLS on 6380)`, ref(`${cacheAddress(cache)}.hostname`)));
  for (const bucket of plan.buckets)
    blocks.push(output(`storage_${tfName(bucket.id)}_account_name`, `Storage account for ${bucket.id}`, ref(`${storageAddress(bucket)}.name`)));
  if (plan.queues.length > 0) blocks.push(output("servicebus_namespace", "Service Bus namespace", ref("azurerm_servicebus_namespace.main.name")));
  return [{ file: "outputs.tf", blocks }];
}
