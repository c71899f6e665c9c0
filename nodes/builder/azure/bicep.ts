import { envKey } from "../config.js";
import type { RenderedFile } from "../context.js";
import { awsName, GENERATOR } from "../labels.js";
import { HEALTH_PATH } from "../sizing.js";
import { type BicepDeclaration, type BicepValue, bx, renderBicep } from "./bicep-writer.js";
import { appRole, CONSUMPTION, HTTP_CONCURRENCY, jobCron, memoryGi } from "./compute.js";
import { type AzureContext, azureTags, neededSubnets, SUBNET_ROLES } from "./context.js";
import { databaseName, flexibleStorageGb } from "./data.js";
import { frontDoorSku, hasFrontDoor, wafPolicyName } from "./edge.js";
import { workspaceRetention } from "./monitoring.js";
import { subnetCidr } from "./network.js";

/** Pinned API versions, one per resource type (learn.microsoft.com/azure/templates). */
export const API_VERSIONS = {
  workspace: "Microsoft.OperationalInsights/workspaces@2023-09-01",
  vnet: "Microsoft.Network/virtualNetworks@2024-01-01",
  identity: "Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31",
  vault: "Microsoft.KeyVault/vaults@2023-07-01",
  registry: "Microsoft.ContainerRegistry/registries@2023-07-01",
  roleAssignment: "Microsoft.Authorization/roleAssignments@2022-04-01",
  environment: "Microsoft.App/managedEnvironments@2024-03-01",
  app: "Microsoft.App/containerApps@2024-03-01",
  job: "Microsoft.App/jobs@2024-03-01",
  dnsZone: "Microsoft.Network/privateDnsZones@2020-06-01",
  dnsLink: "Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01",
  postgres: "Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01",
  postgresAdmin: "Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01",
  mysql: "Microsoft.DBforMySQL/flexibleServers@2023-12-30",
  frontDoor: "Microsoft.Cdn/profiles@2024-02-01",
  endpoint: "Microsoft.Cdn/profiles/afdEndpoints@2024-02-01",
  originGroup: "Microsoft.Cdn/profiles/originGroups@2024-02-01",
  origin: "Microsoft.Cdn/profiles/originGroups/origins@2024-02-01",
  route: "Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01",
  waf: "Microsoft.Network/FrontDoorWebApplicationFirewallPolicies@2024-02-01",
  securityPolicy: "Microsoft.Cdn/profiles/securityPolicies@2024-02-01",
} as const;

/** Built-in role definition ids the Bicep grants (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
export const ROLE_IDS = {
  AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
} as const;

/** What main.bicep declares, and what only the Terraform has; written at the top of the file. */
export const BICEP_COVERAGE = [
  "Covers: Log Analytics, the virtual network and its subnets, managed identities, Key Vault (RBAC, purge protection,",
  "deny-by-default network rules), the container registry with AcrPull and Key Vault Secrets User grants, the Container",
  "Apps environment with its apps or scheduled job, the PostgreSQL/MySQL flexible server with its private DNS zone,",
  "and Front Door (with the WAF policy when the plan asks) in front of a container app.",
  "Terraform only (see ../terraform): NSGs, NAT gateway, AKS, Redis, storage accounts, Service Bus, private endpoints,",
  "diagnostic settings, metric alerts and other iam_scopes grants. A storage static website is a data-plane setting",
  "ARM cannot make, so static sites are Terraform-only beyond the workspace.",
];

const tags = (ctx: AzureContext, component: string): BicepValue => azureTags(ctx.plan, component);

/** A Bicep symbolic name from a plan id: `orders-db` → `ordersDb`, prefixed so it never clashes with a keyword. */
export function symbol(prefix: string, id: string): string {
  const words = id.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return prefix + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join("");
}

function resource(name: string, type: string, value: BicepValue, comment?: string[]): BicepDeclaration {
  return { kind: "resource", name, type, value, ...(comment ? { comment } : {}) };
}

function roleAssignment(name: string, scope: string, principal: string, role: keyof typeof ROLE_IDS): BicepDeclaration {
  return resource(name, API_VERSIONS.roleAssignment, {
    name: bx(`guid(${scope}.id, ${principal}.id, '${ROLE_IDS[role]}')`),
    scope: bx(scope),
    properties: {
      roleDefinitionId: bx(`subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${ROLE_IDS[role]}')`),
      principalId: bx(`${principal}.properties.principalId`),
      principalType: "ServicePrincipal",
    },
  });
}

function base(ctx: AzureContext): BicepDeclaration[] {
  const { plan } = ctx;
  const out: BicepDeclaration[] = [
    {
      kind: "param",
      name: "location",
      type: "string",
      value: bx("resourceGroup().location"),
      decorators: ["@description('Region of every regional resource')"],
    },
  ];
  if (ctx.has("azure-key-vault")) {
    out.push(
      {
        kind: "param",
        name: "operatorIpRanges",
        type: "array",
        value: [],
        decorators: ["@description('Public CIDR ranges operators reach the Key Vault from')"],
      },
      {
        kind: "var",
        name: "vaultIpRules",
        value: bx("[for cidr in operatorIpRanges: {\n  value: cidr\n}]"),
        comment: ["Key Vault network rules: one entry per operator range"],
      },
    );
  }
  if (plan.databases.some((db) => db.engine === "postgres")) {
    out.push(
      {
        kind: "param",
        name: "databaseAdminObjectId",
        type: "string",
        decorators: ["@description('Object id of the Entra ID group that administers PostgreSQL')"],
      },
      { kind: "param", name: "databaseAdminGroupName", type: "string", decorators: ["@description('Display name of that group')"] },
    );
  }
  if (plan.databases.some((db) => db.engine === "mysql")) {
    out.push({
      kind: "param",
      name: "mysqlAdministratorPassword",
      type: "string",
      decorators: ["@secure()", "@description('MySQL administrator password (from a vault, never a file)')"],
    });
  }
  out.push(
    resource("workspace", API_VERSIONS.workspace, {
      name: `log-${ctx.prefix}`,
      location: bx("location"),
      tags: tags(ctx, ctx.component(["azure-log-analytics"])),
      properties: { sku: { name: "PerGB2018" }, retentionInDays: workspaceRetention(plan.observability.log_retention_days) },
    }),
  );
  return out;
}

function network(ctx: AzureContext): BicepDeclaration[] {
  const needed = neededSubnets(ctx.plan);
  const roles = SUBNET_ROLES.filter((role) => needed[role]);
  if (roles.length === 0) return [];
  const subnets = roles.map((role) => {
    const delegation =
      role === "workload" && ctx.platform === "container-apps"
        ? "Microsoft.App/environments"
        : role === "database"
          ? ctx.plan.databases.every((db) => db.engine === "mysql")
            ? "Microsoft.DBforMySQL/flexibleServers"
            : "Microsoft.DBforPostgreSQL/flexibleServers"
          : undefined;
    return {
      name: `snet-${ctx.prefix}-${role}`,
      properties: {
        addressPrefix: subnetCidr(ctx, role),
        serviceEndpoints: role === "workload" ? [{ service: "Microsoft.KeyVault" }] : undefined,
        delegations: delegation ? [{ name: role, properties: { serviceName: delegation } }] : undefined,
        privateEndpointNetworkPolicies: role === "endpoints" ? "Enabled" : undefined,
      },
    };
  });
  return [
    resource("vnet", API_VERSIONS.vnet, {
      name: `vnet-${ctx.prefix}`,
      location: bx("location"),
      tags: tags(ctx, ctx.component(["azure-vnet"])),
      properties: { addressSpace: { addressPrefixes: [ctx.plan.network.vpc_cidr] }, subnets },
    }),
  ];
}

/** `vnet.properties.subnets[i].id` for a subnet role. */
function subnetRef(ctx: AzureContext, role: (typeof SUBNET_ROLES)[number]): string {
  const needed = neededSubnets(ctx.plan);
  const index = SUBNET_ROLES.filter((r) => needed[r]).indexOf(role);
  return `vnet.properties.subnets[${index}].id`;
}

function vaultAndRegistry(ctx: AzureContext, identities: string[]): BicepDeclaration[] {
  const out: BicepDeclaration[] = [];
  if (ctx.has("azure-key-vault")) {
    out.push(
      resource("vault", API_VERSIONS.vault, {
        name: ctx.globalName({ max: 24, suffix: "vault", lead: "kv" }),
        location: bx("location"),
        tags: tags(ctx, ctx.component(["azure-key-vault"])),
        properties: {
          tenantId: bx("subscription().tenantId"),
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          enablePurgeProtection: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: 90,
          networkAcls: {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: bx("vaultIpRules"),
            virtualNetworkRules: neededSubnets(ctx.plan).workload ? [{ id: bx(subnetRef(ctx, "workload")) }] : [],
          },
        },
      }),
      ...identities.map((identity) => roleAssignment(`${identity}SecretsUser`, "vault", identity, "Key Vault Secrets User")),
    );
  }
  if (ctx.has("azure-container-registry")) {
    out.push(
      resource("registry", API_VERSIONS.registry, {
        name: ctx.globalName({ max: 50, suffix: "registry", alphanumeric: true, lead: "cr" }),
        location: bx("location"),
        tags: tags(ctx, ctx.component(["azure-container-registry"])),
        sku: { name: ctx.prod ? "Premium" : "Standard" },
        properties: { adminUserEnabled: false, anonymousPullEnabled: false },
      }),
      ...identities.map((identity) => roleAssignment(`${identity}AcrPull`, "registry", identity, "AcrPull")),
    );
  }
  return out;
}

function containerApps(ctx: AzureContext): BicepDeclaration[] {
  if (ctx.platform !== "container-apps") return [];
  const { plan } = ctx;
  const { compute, network } = plan;
  const out: BicepDeclaration[] = [
    resource("appsEnvironment", API_VERSIONS.environment, {
      name: `cae-${ctx.prefix}`,
      location: bx("location"),
      tags: tags(ctx, ctx.component(["azure-container-apps-env"])),
      properties: {
        appLogsConfiguration: {
          destination: "log-analytics",
          logAnalyticsConfiguration: {
            customerId: bx("workspace.properties.customerId"),
            sharedKey: bx("workspace.listKeys().primarySharedKey"),
          },
        },
        vnetConfiguration: { infrastructureSubnetId: bx(subnetRef(ctx, "workload")), internal: !(network.ingress.public && network.ingress.type !== "none") },
        zoneRedundant: ctx.prod && network.availability_zones.length > 1,
        workloadProfiles: [{ name: CONSUMPTION, workloadProfileType: CONSUMPTION }],
      },
    }),
  ];
  for (const app of ctx.components("azure-container-app")) {
    const role = appRole(ctx, app.id);
    const identity = symbol("identity", app.id);
    const secrets = ctx.has("azure-key-vault") ? plan.security.secrets.map((s) => awsName(60, s.name)) : [];
    const container = {
      name: awsName(32, plan.goal_name),
      image: compute.image,
      resources: { cpu: bx(`json('${compute.cpu}')`), memory: memoryGi(compute.memory_mb) },
      env: [
        { name: "AZURE_CLIENT_ID", value: bx(`${identity}.properties.clientId`) },
        ...secrets.map((secret, index) => ({ name: envKey(plan.security.secrets[index]?.name ?? secret), secretRef: secret })),
      ],
      probes:
        role === "service"
          ? [
              { type: "Liveness", httpGet: { path: HEALTH_PATH, port: compute.container_port } },
              { type: "Readiness", httpGet: { path: HEALTH_PATH, port: compute.container_port } },
            ]
          : undefined,
    };
    const configuration = {
      registries: ctx.has("azure-container-registry") ? [{ server: bx("registry.properties.loginServer"), identity: bx(`${identity}.id`) }] : undefined,
      secrets: ctx.has("azure-key-vault")
        ? secrets.map((secret) => ({ name: secret, keyVaultUrl: bx(`'\${vault.properties.vaultUri}secrets/${secret}'`), identity: bx(`${identity}.id`) }))
        : undefined,
    };
    const identityBlock = { type: "UserAssigned", userAssignedIdentities: { [`\${${identity}.id}`]: {} } };
    const owner = ctx.component(["azure-container-app"], { id: app.id });
    if (role === "job") {
      const schedule = compute.schedule;
      out.push(
        resource(symbol("job", app.id), API_VERSIONS.job, {
          name: awsName(32, `caj-${ctx.prefix}-${app.id}`),
          location: bx("location"),
          tags: tags(ctx, owner),
          identity: identityBlock,
          properties: {
            environmentId: bx("appsEnvironment.id"),
            workloadProfileName: CONSUMPTION,
            configuration: {
              ...configuration,
              triggerType: "Schedule",
              replicaTimeout: (schedule?.run_minutes ?? 30) * 60,
              replicaRetryLimit: 1,
              scheduleTriggerConfig: {
                cronExpression: jobCron(ctx) ?? "",
                parallelism: schedule?.tasks_per_run ?? 1,
                replicaCompletionCount: schedule?.tasks_per_run ?? 1,
              },
            },
            template: { containers: [container] },
          },
        }),
      );
      continue;
    }
    const ingress =
      role === "service" && network.ingress.type !== "none"
        ? { external: true, targetPort: compute.container_port, transport: "auto", allowInsecure: false }
        : undefined;
    const rules =
      role === "service"
        ? [
            { name: "http-concurrency", http: { metadata: { concurrentRequests: String(HTTP_CONCURRENCY) } } },
            { name: "cpu", custom: { type: "cpu", metadata: { type: "Utilization", value: String(compute.target_cpu_percent) } } },
          ]
        : undefined;
    out.push(
      resource(symbol("app", app.id), API_VERSIONS.app, {
        name: awsName(32, `ca-${ctx.prefix}-${app.id}`),
        location: bx("location"),
        tags: tags(ctx, owner),
        identity: identityBlock,
        properties: {
          environmentId: bx("appsEnvironment.id"),
          workloadProfileName: CONSUMPTION,
          configuration: { ...configuration, activeRevisionsMode: "Single", ingress },
          template: { containers: [container], scale: { minReplicas: compute.min_replicas, maxReplicas: Math.max(1, compute.max_replicas), rules } },
        },
      }),
    );
  }
  return out;
}

function databases(ctx: AzureContext): BicepDeclaration[] {
  const { plan } = ctx;
  if (plan.databases.length === 0) return [];
  const mysql = plan.databases.every((db) => db.engine === "mysql");
  const engine = mysql ? "mysql" : "postgres";
  const owner = ctx.component([mysql ? "azure-mysql" : "azure-postgres"]);
  const [primaryZone, standbyZone] = plan.network.availability_zones;
  const out: BicepDeclaration[] = [
    resource("databaseDnsZone", API_VERSIONS.dnsZone, {
      name: `${ctx.prefix}.private.${engine}.database.azure.com`,
      location: "global",
      tags: tags(ctx, owner),
    }),
    resource("databaseDnsLink", API_VERSIONS.dnsLink, {
      parent: bx("databaseDnsZone"),
      name: `${ctx.prefix}-${engine}`,
      location: "global",
      tags: tags(ctx, owner),
      properties: { registrationEnabled: false, virtualNetwork: { id: bx("vnet.id") } },
    }),
  ];
  for (const db of plan.databases) {
    const storageGb = flexibleStorageGb(db.storage_gb);
    const common = {
      version: mysql ? db.engine_version : db.engine_version.split(".")[0],
      availabilityZone: primaryZone,
      highAvailability: db.multi_az ? { mode: "ZoneRedundant", standbyAvailabilityZone: standbyZone } : { mode: "Disabled" },
      backup: { backupRetentionDays: Math.min(35, Math.max(7, db.backup_retention_days)), geoRedundantBackup: ctx.prod ? "Enabled" : "Disabled" },
      // PostgreSQL and MySQL name the DNS zone property differently.
      network: {
        delegatedSubnetResourceId: bx(subnetRef(ctx, "database")),
        [mysql ? "privateDnsZoneResourceId" : "privateDnsZoneArmResourceId"]: bx("databaseDnsZone.id"),
        publicNetworkAccess: "Disabled",
      },
    };
    const properties = mysql
      ? {
          ...common,
          administratorLogin: "app_admin",
          administratorLoginPassword: bx("mysqlAdministratorPassword"),
          storage: { storageSizeGB: storageGb, autoGrow: "Enabled" },
        }
      : {
          ...common,
          storage: { storageSizeGB: storageGb, autoGrow: db.max_storage_gb > storageGb ? "Enabled" : "Disabled" },
          authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId: bx("subscription().tenantId") },
        };
    out.push(
      resource(
        symbol("database", db.id),
        mysql ? API_VERSIONS.mysql : API_VERSIONS.postgres,
        {
          name: ctx.globalName({ max: 63, suffix: `db-${db.id}`, lead: mysql ? "mysql" : "psql" }),
          location: bx("location"),
          tags: tags(ctx, ctx.component([mysql ? "azure-mysql" : "azure-postgres"], { id: db.id })),
          sku: { name: db.instance_class.replace(/^(B|GP|MO)_/, ""), tier: tierOf(db.instance_class) },
          properties,
          dependsOn: [bx("databaseDnsLink")],
        },
        [`database ${databaseName(db)} is created by the application's migrations; TLS 1.2 is required by the server defaults`],
      ),
    );
    if (!mysql) {
      out.push(
        resource(`${symbol("database", db.id)}Admin`, API_VERSIONS.postgresAdmin, {
          parent: bx(symbol("database", db.id)),
          name: bx("databaseAdminObjectId"),
          properties: { principalType: "Group", principalName: bx("databaseAdminGroupName"), tenantId: bx("subscription().tenantId") },
        }),
      );
    }
  }
  return out;
}

/** `GP_Standard_D2ds_v5` → `GeneralPurpose` (the flexible server SKU tier by prefix). */
export function tierOf(sku: string): string {
  if (sku.startsWith("B_")) return "Burstable";
  if (sku.startsWith("MO_")) return "MemoryOptimized";
  return "GeneralPurpose";
}

function frontDoor(ctx: AzureContext): BicepDeclaration[] {
  if (!hasFrontDoor(ctx) || ctx.platform !== "container-apps") return [];
  const service = ctx.components("azure-container-app").find((app) => appRole(ctx, app.id) === "service");
  if (!service) return [];
  const owner = ctx.component(["azure-front-door"]);
  const host = bx(`${symbol("app", service.id)}.properties.configuration.ingress.fqdn`);
  const out: BicepDeclaration[] = [
    resource("frontDoor", API_VERSIONS.frontDoor, { name: `afd-${ctx.prefix}`, location: "global", tags: tags(ctx, owner), sku: { name: frontDoorSku(ctx) } }),
    resource("frontDoorEndpoint", API_VERSIONS.endpoint, {
      parent: bx("frontDoor"),
      name: `fde-${ctx.prefix}`,
      location: "global",
      tags: tags(ctx, owner),
      properties: { enabledState: "Enabled" },
    }),
    resource("originGroup", API_VERSIONS.originGroup, {
      parent: bx("frontDoor"),
      name: "origins",
      properties: {
        loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3 },
        healthProbeSettings: { probePath: HEALTH_PATH, probeProtocol: "Https", probeRequestType: "HEAD", probeIntervalInSeconds: 60 },
      },
    }),
    resource("origin", API_VERSIONS.origin, {
      parent: bx("originGroup"),
      name: "app",
      properties: { hostName: host, originHostHeader: host, httpPort: 80, httpsPort: 443, priority: 1, weight: 1000, enforceCertificateNameCheck: true },
    }),
    resource("route", API_VERSIONS.route, {
      parent: bx("frontDoorEndpoint"),
      name: "all-paths",
      properties: {
        originGroup: { id: bx("originGroup.id") },
        supportedProtocols: ["Http", "Https"],
        patternsToMatch: ["/*"],
        forwardingProtocol: "HttpsOnly",
        httpsRedirect: "Enabled",
        linkToDefaultDomain: "Enabled",
      },
      dependsOn: [bx("origin")],
    }),
  ];
  if (ctx.plan.security.waf) {
    out.push(
      resource("wafPolicy", API_VERSIONS.waf, {
        name: wafPolicyName(ctx),
        location: "global",
        tags: tags(ctx, owner),
        sku: { name: frontDoorSku(ctx) },
        properties: {
          policySettings: { enabledState: "Enabled", mode: "Prevention", requestBodyCheck: "Enabled" },
          managedRules: {
            managedRuleSets: [
              { ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1", ruleSetAction: "Block" },
              { ruleSetType: "Microsoft_BotManagerRuleSet", ruleSetVersion: "1.1", ruleSetAction: "Block" },
            ],
          },
        },
      }),
      resource("securityPolicy", API_VERSIONS.securityPolicy, {
        parent: bx("frontDoor"),
        name: `${ctx.prefix}-waf`,
        properties: {
          parameters: {
            type: "WebApplicationFirewall",
            wafPolicy: { id: bx("wafPolicy.id") },
            associations: [{ domains: [{ id: bx("frontDoorEndpoint.id") }], patternsToMatch: ["/*"] }],
          },
        },
      }),
    );
  }
  return out;
}

/**
 * bicep/main.bicep (and main.parameters.json): the core of the design as Bicep, for teams that
 * deploy with `az deployment group create`. What it covers is written at the top of the file.
 */
export function renderBicepFiles(ctx: AzureContext): RenderedFile[] {
  const identities = ctx.platform === "container-apps" ? ctx.components("azure-container-app").map((app) => symbol("identity", app.id)) : [];
  const identityDeclarations = ctx.components("azure-container-app").map((app) =>
    resource(symbol("identity", app.id), API_VERSIONS.identity, {
      name: `id-${ctx.prefix}-${app.id}`,
      location: bx("location"),
      tags: tags(ctx, ctx.component(["azure-container-app"], { id: app.id })),
    }),
  );
  const declarations: BicepDeclaration[] = [
    ...base(ctx),
    ...network(ctx),
    ...(ctx.platform === "container-apps" ? identityDeclarations : []),
    ...vaultAndRegistry(ctx, identities),
    ...containerApps(ctx),
    ...databases(ctx),
    ...frontDoor(ctx),
  ];
  if (declarations.some((d) => d.name === "frontDoorEndpoint")) {
    declarations.push({ kind: "output", name: "frontDoorHostName", type: "string", value: bx("frontDoorEndpoint.properties.hostName") });
  }
  const header = [`Generated by ${GENERATOR} from plan ${ctx.plan.plan_id} version ${ctx.plan.version}. Edit the plan, not this file.`, ...BICEP_COVERAGE];
  const parameters: Record<string, { value: unknown }> = ctx.has("azure-key-vault") ? { operatorIpRanges: { value: [] } } : {};
  if (ctx.plan.databases.some((db) => db.engine === "postgres")) {
    parameters.databaseAdminObjectId = { value: "<entra-group-object-id>" };
    parameters.databaseAdminGroupName = { value: "<entra-group-name>" };
  }
  const parametersFile = {
    $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
    contentVersion: "1.0.0.0",
    parameters,
  };
  return [
    { path: "bicep/main.bicep", content: renderBicep(declarations, header) },
    { path: "bicep/main.parameters.json", content: `${JSON.stringify(parametersFile, null, 2)}\n` },
  ];
}
