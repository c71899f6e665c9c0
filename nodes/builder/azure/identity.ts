import { type HclBlock, type HclExpr, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { type AzureContext, PLACEMENT } from "./context.js";
import { type AzureSection, REGISTRY, VAULT, WORKSPACE } from "./shared.js";

/** One managed identity the design creates: who uses it and the plan component it implements. */
export interface WorkloadIdentity {
  /** the iam_scopes principal (or container app id) it stands for */
  principal: string;
  /** Terraform name of the `azurerm_user_assigned_identity` */
  name: string;
  owner: string;
}

/** One Azure role the design grants: to whom, which built-in role, on what. */
export interface RoleGrant {
  name: string;
  owner: string;
  principalId: HclExpr;
  role: string;
  scope: HclExpr;
}

/** Terraform address of a workload identity. */
export function identityAddress(identity: WorkloadIdentity): string {
  return `azurerm_user_assigned_identity.${identity.name}`;
}

/**
 * true when an iam_scopes principal names the design's own workload identity rather than a
 * component or a separate actor: the architect writes `<goal>-<env> managed identity`.
 */
function namesDesignIdentity(ctx: AzureContext, principal: string): boolean {
  return /managed identity/i.test(principal) || principal.startsWith(ctx.plan.goal_name);
}

/**
 * The managed identities of the design. On Container Apps every app or job has its own, and a
 * principal of `security.iam_scopes` that is neither an app nor the design's identity (a CI
 * deployer) gets its own to federate with. On AKS one identity stands for the workload's service
 * account, whatever principal names it: a service account maps to exactly one client id.
 */
export function workloadIdentities(ctx: AzureContext): WorkloadIdentity[] {
  if (ctx.platform === "aks") return [{ principal: "workload", name: "workload", owner: ctx.component(["aks-cluster"]) }];
  const apps = ctx.components("azure-container-app").map((c) => c.id);
  const others = ctx.plan.security.iam_scopes
    .map((scope) => scope.principal)
    .filter((p) => p !== "*" && !apps.includes(p) && !(apps.length > 0 && namesDesignIdentity(ctx, p)));
  const all = [...new Set([...apps, ...others])].sort();
  return all.map((principal) => ({ principal, name: tfName(principal), owner: ctx.component(["azure-container-app"], { id: principal }) }));
}

/**
 * The identities a principal of `iam_scopes` stands for: the app of that id; every app when it
 * names the design's identity; its own identity otherwise (on AKS: the one workload identity).
 */
export function identitiesFor(ctx: AzureContext, principal: string): WorkloadIdentity[] {
  const identities = workloadIdentities(ctx);
  if (ctx.platform === "aks") return identities;
  const exact = identities.filter((identity) => identity.principal === principal);
  if (exact.length > 0) return exact;
  if (!namesDesignIdentity(ctx, principal)) return [];
  const apps = new Set(ctx.components("azure-container-app").map((c) => c.id));
  return identities.filter((identity) => apps.has(identity.principal));
}

/** The identities workloads run as: each container app's, or the one AKS workload identity. */
export function appIdentities(ctx: AzureContext): WorkloadIdentity[] {
  if (ctx.platform === "aks") return workloadIdentities(ctx);
  const apps = new Set(ctx.components("azure-container-app").map((c) => c.id));
  return workloadIdentities(ctx).filter((identity) => apps.has(identity.principal));
}

/** The identity a container app runs as. */
export function identityOfApp(ctx: AzureContext, appId: string): WorkloadIdentity | undefined {
  return workloadIdentities(ctx).find((identity) => identity.principal === appId);
}

/** Roles that name data-plane access to Azure Cache for Redis: granted as access policy assignments (data.tf), not Azure RBAC. */
const REDIS_ACCESS_POLICIES = new Set(["Data Owner", "Data Contributor", "Data Reader"]);

/** An Azure built-in role name: words, spaces and brackets; never an AWS action or a GCP `roles/...`. */
const ROLE_NAME = /^[A-Za-z][A-Za-z0-9 ()-]*$/;

/**
 * What a role on a component is scoped to: the resource that implements it, or a reason it is not
 * granted through Azure RBAC.
 */
function scopeOf(ctx: AzureContext, resourceId: string): HclExpr | string {
  if (resourceId === "*") return "a grant on every resource (`*`) is never rendered: name the component";
  const queue = ctx.plan.queues.find((q) => q.id === resourceId);
  if (queue) return ref(`azurerm_servicebus_queue.${tfName(queue.id)}.id`);
  const bucket = ctx.plan.buckets.find((b) => b.id === resourceId);
  if (bucket) return ref(`azurerm_storage_account.${tfName(bucket.id)}.id`);
  const component = ctx.plan.components.find((c) => c.id === resourceId);
  switch (component?.kind) {
    case "azure-container-registry":
      return ref(`${REGISTRY}.id`);
    case "azure-key-vault":
      return ref(`${VAULT}.id`);
    case "azure-service-bus":
      return ref("azurerm_servicebus_namespace.main.id");
    case "azure-log-analytics":
      return ref(`${WORKSPACE}.id`);
    case "aks-cluster":
      return ref("azurerm_kubernetes_cluster.main.id");
    case "azure-postgres":
    case "azure-mysql":
      return "database access is granted inside the server to the identity's Entra principal, not with an Azure role";
    case "azure-redis":
      return "Redis access is an access policy assignment (data.tf)";
    case undefined:
      return `no component or bucket/queue has the id "${resourceId}"`;
    default:
      return `components of kind ${component?.kind} take no role assignment in this builder`;
  }
}

/**
 * The role grants `security.iam_scopes` asks for, plus what the platform needs to run at all:
 * AcrPull for whatever pulls images (each app's identity; the kubelet on AKS). Grants that cannot
 * be rendered come back as notes naming the scope and the reason, never silently dropped.
 */
export function roleGrants(ctx: AzureContext): { grants: RoleGrant[]; notes: string[] } {
  const grants = new Map<string, RoleGrant>();
  const notes: string[] = [];
  const kubelet = ref("azurerm_kubernetes_cluster.main.kubelet_identity[0].object_id");
  const add = (who: { key: string; owner: string; principalId: HclExpr }, role: string, resourceKey: string, scope: HclExpr) => {
    // On AKS the kubelet pulls images, not the workload.
    const pullByKubelet = ctx.platform === "aks" && role === "AcrPull";
    const key = pullByKubelet ? "kubelet" : who.key;
    const name = tfName(`${key}_${role}_${resourceKey}`);
    if (!grants.has(name)) grants.set(name, { name, owner: who.owner, principalId: pullByKubelet ? kubelet : who.principalId, role, scope });
  };
  for (const scope of ctx.plan.security.iam_scopes) {
    const identities = identitiesFor(ctx, scope.principal);
    if (identities.length === 0) {
      notes.push(`iam_scopes principal "${scope.principal}": no identity stands for it (a grant to every principal is never rendered)`);
      continue;
    }
    for (const resourceId of scope.resources) {
      const target = scopeOf(ctx, resourceId);
      for (const role of scope.actions) {
        if (REDIS_ACCESS_POLICIES.has(role) && ctx.plan.caches.some((c) => c.id === resourceId)) continue;
        if (typeof target === "string") notes.push(`not granted: ${scope.principal} ${role} on ${resourceId}: ${target}`);
        else if (!ROLE_NAME.test(role)) notes.push(`not granted: ${scope.principal} "${role}" on ${resourceId}: not an Azure built-in role name`);
        else {
          for (const identity of identities) {
            add({ key: identity.name, owner: identity.owner, principalId: ref(`${identityAddress(identity)}.principal_id`) }, role, resourceId, target);
          }
        }
      }
    }
  }
  if (ctx.has("azure-container-registry")) {
    const registryId = ctx.component(["azure-container-registry"]);
    if (ctx.platform === "aks")
      add({ key: "kubelet", owner: ctx.component(["aks-cluster"]), principalId: kubelet }, "AcrPull", registryId, ref(`${REGISTRY}.id`));
    for (const app of ctx.components("azure-container-app")) {
      const identity = identityOfApp(ctx, app.id);
      if (identity)
        add(
          { key: identity.name, owner: identity.owner, principalId: ref(`${identityAddress(identity)}.principal_id`) },
          "AcrPull",
          registryId,
          ref(`${REGISTRY}.id`),
        );
    }
  }
  return { grants: [...grants.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), notes };
}

/** Addresses of the role assignments granted to one identity (what an app must wait for before its first pull). */
export function grantsOf(ctx: AzureContext, identity: WorkloadIdentity): HclExpr[] {
  const principal = `${identityAddress(identity)}.principal_id`;
  return roleGrants(ctx)
    .grants.filter((grant) => grant.principalId.expr === principal)
    .map((grant) => ref(`azurerm_role_assignment.${grant.name}`));
}

/**
 * identity.tf: the user-assigned managed identities and their role assignments (least privilege,
 * each on the one resource it names); on AKS the federated credential that lets the workload's
 * service account sign in as its identity.
 */
export function renderIdentity(ctx: AzureContext): AzureSection[] {
  const identities = workloadIdentities(ctx);
  const { grants, notes } = roleGrants(ctx);
  if (identities.length === 0 && grants.length === 0) return [];
  const blocks: HclBlock[] = identities.map((identity) =>
    ctx.resource("azurerm_user_assigned_identity", identity.name, identity.owner, {
      name: `id-${ctx.prefix}-${identity.name.replace(/_/g, "-")}`,
      ...PLACEMENT,
    }),
  );
  if (ctx.platform === "aks") {
    const identity = identities[0] as WorkloadIdentity;
    blocks.push(
      ctx.resource("azurerm_federated_identity_credential", "workload", identity.owner, {
        name: `${ctx.prefix}-workload`,
        parent_id: ref(`${identityAddress(identity)}.id`),
        audience: ["api://AzureADTokenExchange"],
        issuer: ref("azurerm_kubernetes_cluster.main.oidc_issuer_url"),
        subject: ref('"system:serviceaccount:${var.kubernetes_namespace}:${var.kubernetes_service_account}"'),
      }),
    );
  }
  for (const grant of grants) {
    blocks.push(
      ctx.resource("azurerm_role_assignment", grant.name, grant.owner, {
        scope: grant.scope,
        role_definition_name: grant.role,
        principal_id: grant.principalId,
        principal_type: "ServicePrincipal",
      }),
    );
  }
  return [{ file: "identity.tf", blocks, notes }];
}
