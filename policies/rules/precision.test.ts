import { describe, expect, it } from "vitest";
import type { IacFile } from "../../iac/types.js";
import { type ValidateOptions, validateIac } from "../engine.js";
import { imageTag } from "./k8s-workload.js";

/** Rule ids found in the given files, optionally only those starting with `prefix`. */
async function ids(files: IacFile[], prefix = "", options: ValidateOptions = {}): Promise<string[]> {
  const report = await validateIac(files, options);
  return report.findings.map((f) => f.rule_id).filter((id) => id.startsWith(prefix));
}

const tf = (content: string): IacFile[] => [{ path: "main.tf", content }];

describe("security group rules", () => {
  it("reports a wide-open rule once, as all-ports, not also as SSH and RDP", async () => {
    const content =
      'resource "aws_security_group" "x" {\n  ingress {\n    from_port = 0\n    to_port = 65535\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';
    expect(await ids(tf(content), "AWS_SG_")).toEqual(["AWS_SG_ALL_PORTS_OPEN"]);
  });

  it("catches a port range covering 22 and dynamic blocks with literal values", async () => {
    const content = [
      'resource "aws_security_group" "range" {\n  ingress {\n    from_port = 20\n    to_port = 30\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}',
      'resource "aws_security_group" "dyn" {\n  dynamic "ingress" {\n    for_each = [1]\n    content {\n      from_port = 3389\n      to_port = 3389\n      protocol = "tcp"\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}',
    ].join("\n");
    expect(await ids(tf(content), "AWS_SG_")).toEqual(["AWS_SG_SSH_OPEN", "AWS_SG_RDP_OPEN"]);
  });

  it("ignores egress, variables and unknown ports", async () => {
    const content = [
      'resource "aws_security_group_rule" "out" {\n  type = "egress"\n  from_port = 0\n  to_port = 0\n  protocol = "-1"\n  cidr_blocks = ["0.0.0.0/0"]\n}',
      'resource "aws_security_group_rule" "var" {\n  type = "ingress"\n  from_port = 22\n  to_port = 22\n  protocol = "tcp"\n  cidr_blocks = var.admin_cidrs\n}',
      'resource "aws_security_group_rule" "port" {\n  type = "ingress"\n  from_port = var.port\n  to_port = var.port\n  protocol = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}',
    ].join("\n");
    expect(await ids(tf(content), "AWS_SG_")).toEqual([]);
  });
});

describe("values Terraform only knows at plan time", () => {
  it("never flags an interpolated setting", async () => {
    const content = [
      'resource "aws_db_instance" "a" {\n  engine = "postgres"\n  storage_encrypted = var.encrypted\n  publicly_accessible = var.public\n  backup_retention_period = var.days\n}',
      'resource "aws_kms_key" "k" {\n  enable_key_rotation = local.rotate\n}',
      'resource "aws_ecr_repository" "r" {\n  image_tag_mutability = var.mutability\n  image_scanning_configuration {\n    scan_on_push = var.scan\n  }\n}',
    ].join("\n");
    expect(await ids(tf(content), "", { environment: "dev" })).toEqual([]);
  });

  it("skips read replicas and Aurora instances, whose storage settings come from elsewhere", async () => {
    const content = [
      'resource "aws_db_instance" "replica" {\n  replicate_source_db = aws_db_instance.main.identifier\n}',
      'resource "aws_db_instance" "aurora" {\n  engine = "aurora-postgresql"\n}',
    ].join("\n");
    expect(await ids(tf(content), "AWS_RDS_", { environment: "prod" })).toEqual([]);
  });
});

describe("load balancer listeners", () => {
  it("treats a listener without protocol on an application load balancer as HTTP", async () => {
    const content =
      'resource "aws_lb" "a" {\n  drop_invalid_header_fields = true\n}\nresource "aws_lb_listener" "l" {\n  load_balancer_arn = aws_lb.a.arn\n  port = 80\n  default_action {\n    type = "forward"\n  }\n}\n';
    expect(await ids(tf(content), "AWS_ALB_")).toEqual(["AWS_ALB_HTTP_LISTENER"]);
  });

  it("flags HTTPS listeners without ssl_policy (the provider default allows TLS 1.0) and TLS13-1-0 policies", async () => {
    const listener = (name: string, policy: string) =>
      `resource "aws_lb_listener" "${name}" {\n  load_balancer_arn = var.lb\n  port = 443\n  protocol = "HTTPS"\n${policy}  default_action {\n    type = "forward"\n  }\n}\n`;
    const content =
      listener("none", "") +
      listener("old", '  ssl_policy = "ELBSecurityPolicy-TLS13-1-0-2021-06"\n') +
      listener("ok", '  ssl_policy = "ELBSecurityPolicy-FS-1-2-Res-2020-10"\n');
    const report = await validateIac(tf(content));
    expect(report.findings.map((f) => f.resource)).toEqual(["aws_lb_listener.none", "aws_lb_listener.old"]);
  });
});

describe("Kubernetes workloads", () => {
  it("parses image tags, ports in registry hosts and digests", () => {
    expect(imageTag("nginx")).toBeNull();
    expect(imageTag("nginx:latest")).toBe("latest");
    expect(imageTag("registry.local:5000/team/app")).toBeNull();
    expect(imageTag("registry.local:5000/team/app:1.2")).toBe("1.2");
    expect(imageTag("app@sha256:abc")).toBe("@digest");
  });

  it("leaves batch jobs without probes alone and checks init containers for privileges", async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: shop
  labels: { app.kubernetes.io/name: migrate, app.kubernetes.io/part-of: shop }
spec:
  template:
    spec:
      restartPolicy: Never
      securityContext: { runAsNonRoot: true }
      initContainers:
        - name: wait
          image: busybox:1.36
          securityContext: { privileged: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
          resources: { limits: { cpu: 100m, memory: 64Mi } }
      containers:
        - name: migrate
          image: ghcr.io/acme/migrate:3.0.0
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
          resources: { limits: { cpu: 500m, memory: 256Mi } }
`;
    expect(await ids([{ path: "job.yaml", content: job }], "K8S_", { environment: "prod" })).toEqual(["K8S_PRIVILEGED"]);
  });
});
