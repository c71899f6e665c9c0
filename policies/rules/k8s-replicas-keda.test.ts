import { describe, expect, it } from "vitest";
import { validateIac } from "../engine.js";

const deployment =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\n  namespace: jobs\nspec:\n  selector:\n    matchLabels: {app: worker}\n  template:\n    metadata:\n      labels: {app: worker}\n    spec:\n      containers:\n        - name: worker\n          image: worker:1.0.0\n";
const scaledObject = (min: number) =>
  `apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: worker\n  namespace: jobs\nspec:\n  scaleTargetRef:\n    name: worker\n  minReplicaCount: ${min}\n  maxReplicaCount: 8\n  triggers:\n    - type: aws-sqs-queue\n      metadata:\n        queueURL: https://sqs.example/q\n`;

describe("K8S_REPLICAS reads a KEDA ScaledObject's bounds, as it reads an HPA's", () => {
  it("accepts a prod worker without spec.replicas when its ScaledObject keeps at least the minimum", async () => {
    const report = await validateIac([{ path: "worker.yaml", content: `${deployment}---\n${scaledObject(2)}` }], { environment: "prod" });
    expect(report.findings.filter((f) => f.rule_id === "K8S_REPLICAS")).toEqual([]);
  });

  it("flags the ScaledObject's minReplicaCount when it is below the minimum", async () => {
    const report = await validateIac([{ path: "worker.yaml", content: `${deployment}---\n${scaledObject(0)}` }], { environment: "prod" });
    expect(report.findings.filter((f) => f.rule_id === "K8S_REPLICAS")).toEqual([
      expect.objectContaining({
        resource: "ScaledObject/jobs/worker",
        line: 25,
        message: expect.stringContaining("via KEDA ScaledObject worker) runs 0 replica(s)"),
      }),
    ]);
  });
});
