import { describe, expect, it } from "vitest";
import { parseTerraform } from "../../../iac/terraform.js";
import type { TerraformResource } from "../../../iac/types.js";
import type { PlanSpec } from "../../../schemas/plan.js";
import { componentPlans } from "../../../test/fixtures/plans/components.js";
import { eksApiPlan, eksPipelinePlan, kubernetesPlans } from "../../../test/fixtures/plans/eks.js";
import { samplePlans, webApiProdPlan } from "../../../test/fixtures/plans/index.js";
import { makeContext } from "../context.js";
import { renderArtifacts } from "../engine.js";
import type { HclBlock, HclCall } from "../hcl.js";
import { clusterName, nodeScaling } from "./eks.js";
import { CLUSTER_AUTOSCALER, LOAD_BALANCER_CONTROLLER, needsLoadBalancerController, renderEksAddons } from "./eks-addons.js";

type Obj = Record<string, unknown>;

async function terraform(plan: PlanSpec) {
  const files = renderArtifacts(plan)
    .files.filter((f) => f.kind === "terraform")
    .map(({ path, content }) => ({ path, content }));
  return { files, parsed: await parseTerraform(files) };
}

function find(resources: TerraformResource[], type: string, name: string): Obj {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type}.${name}`);
  return found.attributes;
}

/** The IAM statements of a rendered `aws_iam_policy` block, read from its `jsonencode` argument. */
function statements(blocks: HclBlock[], name: string): Obj[] {
  const policy = blocks.find((b) => b.labels[0] === "aws_iam_policy" && b.labels[1] === name)?.body.policy as HclCall | undefined;
  if (!policy) throw new Error(`no aws_iam_policy.${name}`);
  return (policy.args[0] as { Statement: Obj[] }).Statement;
}

describe("EKS cluster add-ons in the Terraform", () => {
  it("gives the load balancer controller and cluster-autoscaler a Pod Identity role, policy and association in kube-system", async () => {
    const { parsed } = await terraform(eksApiPlan);
    for (const addon of [LOAD_BALANCER_CONTROLLER, CLUSTER_AUTOSCALER]) {
      expect(String(find(parsed.resources, "aws_iam_role", addon.block).assume_role_policy)).toContain("pods.eks.amazonaws.com");
      expect(find(parsed.resources, "aws_eks_pod_identity_association", addon.block)).toMatchObject({
        namespace: "kube-system",
        service_account: addon.serviceAccount,
        role_arn: `\${aws_iam_role.${addon.block}.arn}`,
      });
      expect(find(parsed.resources, "aws_iam_role_policy_attachment", addon.block)).toMatchObject({
        role: `\${aws_iam_role.${addon.block}.name}`,
        policy_arn: `\${aws_iam_policy.${addon.block}.arn}`,
      });
    }
  });

  it("outputs both role ARNs and the certificate, and takes the certificate as an optional variable", async () => {
    const { files, parsed } = await terraform(eksApiPlan);
    const outputs = files.find((f) => f.path === "terraform/outputs.tf")?.content ?? "";
    for (const name of ["load_balancer_controller_role_arn", "cluster_autoscaler_role_arn", "certificate_arn", "vpc_id", "eks_cluster_name"])
      expect(outputs).toContain(`output "${name}"`);
    const certificate = parsed.variables.filter((v) => v.name === "certificate_arn");
    expect(certificate).toHaveLength(1);
    expect(certificate[0]?.attributes.default).toBe("");
  });

  it("tags the node group for auto-discovery and lets it grow above its desired size", async () => {
    const { parsed } = await terraform(eksApiPlan);
    const group = find(parsed.resources, "aws_eks_node_group", "main");
    const cluster = clusterName(makeContext(eksApiPlan));
    expect(group.tags).toMatchObject({ "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${cluster}`]: "owned" });
    const [scaling] = group.scaling_config as { desired_size: number; min_size: number; max_size: number }[];
    expect(scaling?.desired_size).toBe(eksApiPlan.compute.node_count);
    expect(scaling?.min_size).toBe(eksApiPlan.compute.node_count);
    expect(scaling?.max_size).toBeGreaterThan(eksApiPlan.compute.node_count);
    expect(group.lifecycle).toEqual([{ ignore_changes: ["${scaling_config[0].desired_size}"] }]);
  });

  it("sizes the node group in proportion to the pods' range, one node above desired at least and four times at most", () => {
    const plan = (node_count: number, min_replicas: number, max_replicas: number) =>
      ({ ...eksApiPlan, compute: { ...eksApiPlan.compute, node_count, min_replicas, max_replicas } }) as PlanSpec;
    expect(nodeScaling(plan(2, 2, 6))).toEqual({ desired: 2, min: 2, max: 6 });
    expect(nodeScaling(plan(3, 4, 4))).toEqual({ desired: 3, min: 3, max: 4 });
    expect(nodeScaling(plan(2, 1, 50))).toEqual({ desired: 2, min: 2, max: 8 });
    expect(nodeScaling(plan(0, 0, 0))).toEqual({ desired: 1, min: 1, max: 2 });
  });

  it("grants only named actions, and scales only the Auto Scaling groups tagged as this cluster's", () => {
    const ctx = makeContext(eksApiPlan);
    const blocks = renderEksAddons(ctx, "cluster", clusterName(ctx)).flatMap((s) => s.blocks);
    for (const addon of [LOAD_BALANCER_CONTROLLER, CLUSTER_AUTOSCALER]) {
      const actions = statements(blocks, addon.block).flatMap((s) => s.Action as string[]);
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    }
    const scale = statements(blocks, CLUSTER_AUTOSCALER.block).find((s) => (s.Action as string[]).includes("autoscaling:SetDesiredCapacity"));
    expect(scale?.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName(ctx)}`]: "owned" } });
    // the controller may delete only load balancers it tagged as its own
    const deletes = statements(blocks, LOAD_BALANCER_CONTROLLER.block).find((s) => (s.Action as string[]).includes("elasticloadbalancing:DeleteLoadBalancer"));
    expect(deletes?.Condition).toEqual({ Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } });
  });

  it("gives a scheduled EKS design (no Ingress) cluster-autoscaler only: no controller role, no certificate", async () => {
    const { parsed } = await terraform(eksPipelinePlan);
    expect(parsed.resources.filter((r) => r.name === LOAD_BALANCER_CONTROLLER.block)).toEqual([]);
    expect(parsed.variables.map((v) => v.name)).not.toContain("certificate_arn");
    expect(find(parsed.resources, "aws_eks_pod_identity_association", CLUSTER_AUTOSCALER.block)).toMatchObject({ service_account: "cluster-autoscaler" });
  });

  it("renders no add-on off EKS", async () => {
    const { parsed } = await terraform(webApiProdPlan);
    expect(parsed.resources.filter((r) => r.type === "aws_eks_pod_identity_association")).toEqual([]);
  });

  it("wants the controller exactly when the build writes an Ingress", () => {
    const plans = { ...samplePlans, ...kubernetesPlans, ...componentPlans };
    const withIngress = Object.entries(plans).filter(([, plan]) =>
      renderArtifacts(plan).files.some((f) => f.kind === "kubernetes" && /^kind: Ingress$/m.test(f.content)),
    );
    // the fixtures cover both sides
    expect(withIngress.length).toBeGreaterThan(0);
    expect(withIngress.length).toBeLessThan(Object.keys(plans).length);
    for (const [name, plan] of Object.entries(plans))
      expect(needsLoadBalancerController(makeContext(plan)), name).toBe(withIngress.some(([other]) => other === name));
  });
});
