import { describe, expect, it } from "vitest";
import { parseResourceUsage, parseUsageFile } from "./usage-file.js";

describe("Infracost usage files", () => {
  it("reads resource_usage numbers and ignores keys and sections it does not know", () => {
    const text = [
      "version: 0.1",
      "resource_type_default_usage:",
      "  aws_lambda_function:",
      "    monthly_requests: 1000",
      "resource_usage:",
      "  aws_nat_gateway.main:",
      "    monthly_data_processed_gb: 250.5",
      "  aws_dynamodb_table.x:",
      "    storage_gb: 10",
      "    reserved_capacity: { read: 5 }",
      "",
    ].join("\n");
    expect(parseUsageFile(text)).toEqual({
      ok: true,
      usage: { "aws_nat_gateway.main": { monthly_data_processed_gb: 250.5 }, "aws_dynamodb_table.x": { storage_gb: 10 } },
    });
  });

  it("names the path of a wrong figure, a wrong version or broken YAML", () => {
    expect(parseUsageFile("version: 0.1\nresource_usage:\n  aws_nat_gateway.main:\n    monthly_data_processed_gb: lots\n")).toMatchObject({
      ok: false,
      path: "resource_usage.aws_nat_gateway.main.monthly_data_processed_gb",
    });
    expect(parseUsageFile("version: 0.1\nresource_usage:\n  aws_sqs_queue.q: [1, 2]\n")).toMatchObject({ ok: false, path: "resource_usage.aws_sqs_queue.q" });
    expect(parseUsageFile("resource_usage: {}\n")).toMatchObject({ ok: false, path: "version" });
    expect(parseUsageFile("version: 0.1\nresource_usage: [\n")).toMatchObject({ ok: false, path: "" });
    expect(parseResourceUsage({ "aws_sqs_queue.q": { monthly_requests: -3 } })).toMatchObject({ ok: false, path: "aws_sqs_queue.q.monthly_requests" });
  });
});
