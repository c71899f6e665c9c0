import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateIac } from "../engine.js";
import type { Finding } from "../types.js";

/** Findings of the given rules (when none are named: every finding carrying a Trivy KSV id) for one manifest file. */
async function findings(content: string, rules?: string[]): Promise<Finding[]> {
  const report = await validateIac([{ path: "app.yaml", content }], { environment: "prod" });
  return report.findings.filter((f) => (rules ? rules.includes(f.rule_id) : f.aliases.some((alias) => alias.startsWith("KSV-"))));
}

/** A pod in namespace `shop` with a well-configured container, plus `extra` pod-spec YAML (indented 2). */
function podYaml(extra = "", container = "") {
  return `apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
spec:
  automountServiceAccountToken: false
  securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: RuntimeDefault } }
${extra}  containers:
    - name: api
      image: ghcr.io/acme/api:1.0.0
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
      resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { cpu: 500m, memory: 256Mi } }
${container}`;
}

describe("alias precision", () => {
  it("a pod with only hostIPC carries the IPC checks, not the network or PID ones", async () => {
    const [hit, ...rest] = await findings(podYaml("  hostIPC: true\n"), ["K8S_HOST_NAMESPACES"]);
    expect(rest).toEqual([]);
    expect(hit?.aliases).toEqual(["CKV_K8S_18", "KSV-0008"]);
  });

  it("a missing memory limit is KSV-0018 only; a missing CPU request and limit are KSV-0015 and KSV-0011", async () => {
    const ids = async (content: string) => (await findings(content, ["K8S_RESOURCE_LIMITS", "K8S_RESOURCE_REQUESTS"])).map((f) => [f.rule_id, f.aliases]);
    expect(await ids(podYaml().replace("limits: { cpu: 500m, memory: 256Mi }", "limits: { cpu: 500m }"))).toEqual([
      ["K8S_RESOURCE_LIMITS", ["CKV_K8S_13", "KSV-0018"]],
    ]);
    const memoryOnly = podYaml().replace(
      "{ requests: { cpu: 100m, memory: 128Mi }, limits: { cpu: 500m, memory: 256Mi } }",
      "{ requests: { memory: 128Mi }, limits: { memory: 256Mi } }",
    );
    expect(await ids(memoryOnly)).toEqual([
      ["K8S_RESOURCE_LIMITS", ["CKV_K8S_11", "KSV-0011"]],
      ["K8S_RESOURCE_REQUESTS", ["CKV_K8S_10", "KSV-0015"]],
    ]);
  });

  it("SYS_ADMIN carries its own checks on top of the added-capability ones; CHOWN after drop ALL is only the restricted check", async () => {
    const sysAdmin = podYaml().replace("capabilities: { drop: [ALL] }", "capabilities: { drop: [ALL], add: [SYS_ADMIN] }");
    const [added] = await findings(sysAdmin, ["K8S_CAPABILITIES_ADDED"]);
    expect(added?.aliases).toEqual(["CKV_K8S_25", "CKV_K8S_39", "KSV-0005", "KSV-0022"]);
    const chown = podYaml().replace("capabilities: { drop: [ALL] }", "capabilities: { drop: [ALL], add: [CHOWN] }");
    expect((await findings(chown)).map((f) => `${f.rule_id} ${f.aliases.join(",")}`)).toEqual(["K8S_CAPABILITIES_RESTRICTED KSV-0106"]);
  });

  it("dropping only NET_RAW is not 'drops nothing' (KSV-0004) nor Checkov's NET_RAW check", async () => {
    const content = podYaml().replace("capabilities: { drop: [ALL] }", "capabilities: { drop: [NET_RAW] }");
    const [hit] = await findings(content, ["K8S_CAPABILITIES_NOT_DROPPED"]);
    expect(hit?.aliases).toEqual(["CKV_K8S_37", "KSV-0003", "KSV-0106"]);
  });

  it("the Docker socket is KSV-0006, /etc KSV-0121, any other host path only KSV-0023", async () => {
    const volumes =
      "  volumes:\n    - { name: a, hostPath: { path: /var/run/docker.sock } }\n    - { name: b, hostPath: { path: /etc/ } }\n    - { name: c, hostPath: { path: /var/log } }\n";
    const found = await findings(podYaml(volumes), ["K8S_HOST_PATH"]);
    expect(found.map((f) => f.aliases)).toEqual([["CKV_K8S_27", "KSV-0023", "KSV-0006"], ["KSV-0023", "KSV-0121"], ["KSV-0023"]]);
  });

  it("a Service in the default namespace is Checkov's default-namespace check, not Trivy's workload one", async () => {
    const service =
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: default\nspec:\n  selector: { app: api }\n  ports: [{ port: 80, targetPort: 8080 }]\n";
    const [hit] = await findings(service, ["K8S_DEFAULT_NAMESPACE"]);
    expect(hit?.aliases).toEqual(["CKV_K8S_21"]);
  });
});

describe("container-level findings", () => {
  it("name the container, the workload as Kind/namespace/name and the line of the field", async () => {
    const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: shop
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ghcr.io/acme/report:1.0.0
              securityContext:
                privileged: true
`;
    const [hit] = await findings(cronJob, ["K8S_PRIVILEGED"]);
    expect(hit).toMatchObject({ resource: "CronJob/shop/report", line: 17 });
    expect(hit?.message).toContain('Container "report"');
  });

  it("security checks read init and ephemeral containers; resource checks skip ephemeral ones, which cannot have any", async () => {
    const extra = `  initContainers:
    - name: wait
      image: busybox:1.36
      securityContext: { privileged: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
      resources: { limits: { cpu: 100m, memory: 64Mi } }
  ephemeralContainers:
    - name: debug
      image: busybox:1.36
      securityContext: { privileged: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
`;
    const found = await findings(podYaml(extra));
    expect(found.map((f) => `${f.rule_id}: ${f.message.split(" is ")[0]}`)).toEqual([
      'K8S_PRIVILEGED: Init container "wait"',
      'K8S_PRIVILEGED: Ephemeral container "debug"',
    ]);
  });

  it("the container's seccomp profile overrides the pod's, and a legacy runtime/default annotation counts", async () => {
    const unconfined = podYaml().replace("capabilities: { drop: [ALL] } }", "capabilities: { drop: [ALL] }, seccompProfile: { type: Unconfined } }");
    expect((await findings(unconfined, ["K8S_SECCOMP_PROFILE"])).map((f) => f.message)).toEqual([
      'Container "api" runs with seccomp profile Unconfined: every system call is open to it.',
    ]);
    const legacy = podYaml()
      .replace(", seccompProfile: { type: RuntimeDefault }", "")
      .replace("  namespace: shop\n", "  namespace: shop\n  annotations: { seccomp.security.alpha.kubernetes.io/pod: runtime/default }\n");
    expect(await findings(legacy, ["K8S_SECCOMP_PROFILE"])).toEqual([]);
  });

  it("the default security context is flagged only when neither pod nor container sets one", async () => {
    const bare =
      "apiVersion: v1\nkind: Pod\nmetadata: { name: bare, namespace: shop }\nspec:\n  containers:\n    - { name: app, image: 'ghcr.io/acme/app:1.0.0' }\n";
    expect((await findings(bare, ["K8S_DEFAULT_SECURITY_CONTEXT"])).map((f) => f.message)).toEqual([
      'Container "app" has no securityContext, nor does its pod: it runs with every runtime default, as root.',
    ]);
    expect(await findings(podYaml(), ["K8S_DEFAULT_SECURITY_CONTEXT"])).toEqual([]);
  });
});

describe("service-account tokens", () => {
  const deployment = (account: string) => podYaml().replace("  automountServiceAccountToken: false\n", account ? `  serviceAccountName: ${account}\n` : "");

  it("flag the default account, and a named account in the files that does not disable automounting", async () => {
    expect(await findings(deployment(""), ["K8S_SERVICE_ACCOUNT_TOKEN"])).toHaveLength(1);
    const account = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: api, namespace: shop }\n";
    expect(await findings(deployment("api") + account, ["K8S_SERVICE_ACCOUNT_TOKEN"])).toHaveLength(1);
  });

  it("trust an account that disables automounting, and do not guess about an account not given", async () => {
    const account = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: api, namespace: shop }\nautomountServiceAccountToken: false\n";
    expect(await findings(deployment("api") + account, ["K8S_SERVICE_ACCOUNT_TOKEN"])).toEqual([]);
    expect(await findings(deployment("elsewhere"), ["K8S_SERVICE_ACCOUNT_TOKEN"])).toEqual([]);
  });
});

describe("RBAC", () => {
  const clusterRole = (rules: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: ops }\nrules:\n${rules}`;

  it("a full wildcard is KSV-0044 and KSV-0046 at the rule's line, not the specific-resource KSV-0045", async () => {
    const [hit, ...rest] = await findings(clusterRole("  - apiGroups: ['*']\n    resources: ['*']\n    verbs: ['*']\n"), ["K8S_RBAC_WILDCARD"]);
    expect(rest).toEqual([]);
    expect(hit).toMatchObject({ resource: "ClusterRole/ops", line: 5, aliases: ["CKV_K8S_49", "KSV-0044", "KSV-0046"] });
  });

  it("bind limited by resourceNames is not an escalation; unlimited bind with create on bindings is", async () => {
    const limited = clusterRole(
      "  - { apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create] }\n  - { apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [view] }\n",
    );
    expect(await findings(limited, ["K8S_RBAC_BIND_ESCALATION"])).toEqual([]);
    const open = limited.replace(", resourceNames: [view]", "");
    expect((await findings(open, ["K8S_RBAC_BIND_ESCALATION"])).map((f) => [f.aliases, f.line])).toEqual([[["KSV-0052"], 6]]);
  });

  it("impersonating users is reported without the groups check's id", async () => {
    const [hit] = await findings(clusterRole("  - { apiGroups: [''], resources: [users], verbs: [impersonate] }\n"), ["K8S_RBAC_IMPERSONATE"]);
    expect(hit?.aliases).toEqual([]);
  });

  it("edit bound in one namespace is delegation; cluster-wide, or cluster-admin anywhere, is flagged; system: bindings are the cluster's own", async () => {
    const binding = (kind: string, name: string, role: string) =>
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata: { name: ${name}, namespace: shop }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role} }\nsubjects: [{ kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io }]\n`;
    const content = [
      binding("RoleBinding", "devs-edit", "edit"),
      binding("ClusterRoleBinding", "devs-edit-all", "edit"),
      binding("RoleBinding", "devs-root", "cluster-admin"),
      binding("ClusterRoleBinding", "system:controller:x", "cluster-admin"),
    ].join("---\n");
    expect((await findings(content, ["K8S_RBAC_ADMIN_BINDING"])).map((f) => f.resource)).toEqual([
      "ClusterRoleBinding/devs-edit-all",
      "RoleBinding/shop/devs-root",
    ]);
  });
});

describe("KSV fixtures", () => {
  const ROOT = join(import.meta.dirname, "fixtures");
  /** Pass cases that cannot avoid another check: handing out roles needs create on rolebindings (KSV-0050). */
  const UNAVOIDABLE: Record<string, string[]> = { "KSV-0051": ["KSV-0050"], "KSV-0052": ["KSV-0050"] };

  it.each(readdirSync(ROOT).filter((name) => name.startsWith("KSV-")))("%s pass case trips no other KSV check either", async (id) => {
    const content = readFileSync(join(ROOT, id, "pass.yaml"), "utf8");
    const report = await validateIac([{ path: "main.yaml", content }], { environment: "prod" });
    const ksv = [...new Set(report.findings.flatMap((f) => f.aliases.filter((alias) => alias.startsWith("KSV-"))))].sort();
    expect(ksv).toEqual(UNAVOIDABLE[id] ?? []);
  });
});
