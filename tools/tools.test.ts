import { describe, expect, it } from "vitest";
import { priceComponent } from "../pricing/index.js";
import { makeCostEstimateTool } from "./cost-estimate.js";
import { makePolicyCheckTool } from "./policy-check.js";

describe("cost_estimate tool", () => {
  it("prices components with the catalogue's arithmetic", async () => {
    const spec = { kind: "eks-control-plane" as const };
    const out = JSON.parse(await makeCostEstimateTool().invoke({ region: "us-east-1", components: [spec, spec] }));
    expect(out.status).toBe("ok");
    expect(out.monthly_total_usd).toBeCloseTo(priceComponent(spec, "us-east-1").monthlyCost * 2, 2);
  });

  it("answers an unknown region with status error, not a throw", async () => {
    const out = JSON.parse(await makeCostEstimateTool().invoke({ region: "mars-north-1", components: [{ kind: "eks-control-plane" }] }));
    expect(out.status).toBe("error");
    expect(out.message).toContain("us-east-1");
  });
});

describe("policy_check tool", () => {
  it("reports a security group open to the world on SSH with its Checkov alias", async () => {
    const hcl = `resource "aws_security_group" "ssh" {\n  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n`;
    const out = JSON.parse(await makePolicyCheckTool().invoke({ files: [{ path: "main.tf", content: hcl }] }));
    expect(out.status).toBe("ok");
    expect(out.result).toBe("FAIL");
    expect(out.findings.flatMap((f: { aliases: string[] }) => f.aliases)).toContain("CKV_AWS_24");
  });

  it("turns an unparsable file into a finding", async () => {
    const out = JSON.parse(await makePolicyCheckTool().invoke({ files: [{ path: "bad.tf", content: 'resource "x" {' }] }));
    expect(out.findings.map((f: { rule_id: string }) => f.rule_id)).toContain("IAC_PARSE_ERROR");
  });
});
