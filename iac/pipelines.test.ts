import { describe, expect, it } from "vitest";
import { checkPipeline, pipelinePlatform, readPipelines, unpinnedReferences } from "./pipelines.js";

const read = (path: string, content: string) => {
  const [pipeline] = readPipelines([{ path, content }]);
  if (!pipeline) throw new Error(`${path} was not read as a pipeline`);
  return pipeline;
};

describe("pipelinePlatform", () => {
  it.each([
    [".github/workflows/ci.yml", "github-actions"],
    ["repo/.github/workflows/deploy.yaml", "github-actions"],
    ["pipelines/github-actions/deploy.yml", "github-actions"],
    ["azure-pipelines.yml", "azure-pipelines"],
    ["pipelines/azure-pipelines.deploy.yaml", "azure-pipelines"],
    ["kubernetes/base/deployment.yaml", null],
    [".github/dependabot.yml", null],
  ])("%s → %s", (path, platform) => {
    expect(pipelinePlatform(path)).toBe(platform);
  });
});

const AZURE_OK = `trigger: [main]
stages:
  - stage: build
    jobs:
      - job: test
        pool: {vmImage: ubuntu-24.04}
        steps:
          - checkout: self
          - script: npm test
  - stage: deploy_prod
    dependsOn: build
    jobs:
      - deployment: deploy
        environment: prod
        strategy:
          runOnce:
            deploy:
              steps:
                - task: HelmDeploy@0
                  inputs: {command: upgrade}
`;

describe("checkPipeline: Azure DevOps", () => {
  it("accepts a pipeline with stages, a job and a deployment job", () => {
    expect(checkPipeline(read("azure-pipelines.yml", AZURE_OK))).toEqual([]);
  });

  it("names each missing key with its line", () => {
    const broken = AZURE_OK.replace("dependsOn: build", "dependsOn: biuld")
      .replace("        environment: prod\n", "")
      .replace("- script: npm test", "- displayName: tests")
      .replace("- stage: build", "- stage: 1build");
    const issues = checkPipeline(read("azure-pipelines.yml", broken));
    expect(issues.map((i) => `${i.line} ${i.where} ${i.message}`)).toEqual([
      expect.stringMatching(/^3 stages\[0\] needs `stage:`/),
      expect.stringMatching(/^9 stages\[0\]\.jobs\[0\]\.steps\[1\] is not a step/),
      '11 stages[1].dependsOn depends on "biuld", which is not a stage of this pipeline',
      "13 stages[1].jobs[0] is a deployment job without `environment`",
    ]);
  });

  it("wants a strategy with deploy steps on a deployment job", () => {
    const noStrategy = AZURE_OK.replace(/ {8}strategy:[\s\S]*$/, "");
    expect(checkPipeline(read("azure-pipelines.yml", noStrategy)).map((i) => i.message)).toEqual([
      "is a deployment job without `strategy` (runOnce, rolling or canary)",
    ]);
  });
});

describe("checkPipeline: GitHub Actions", () => {
  it("wants on and jobs", () => {
    expect(checkPipeline(read(".github/workflows/x.yml", "name: x\n")).map((i) => i.message)).toEqual([
      "has no `on` (the events that trigger the workflow)",
      "has no `jobs` mapping with at least one job",
    ]);
  });

  it("accepts a reusable workflow call without runs-on or steps", () => {
    const workflow = "on: push\njobs:\n  call:\n    uses: org/repo/.github/workflows/deploy.yml@v1\n";
    expect(checkPipeline(read(".github/workflows/x.yml", workflow))).toEqual([]);
  });
});

describe("unpinnedReferences", () => {
  it("flags branches and missing versions, not tags, SHAs, local actions or tagged images", () => {
    const workflow = `on: push
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache@0c45773b623bea8c8e75f6c82b208c3cf94ea4f9
      - uses: org/tool@main
      - uses: org/other
      - uses: ./local
      - uses: docker://alpine
      - uses: docker://alpine:3.20
  b:
    uses: org/repo/.github/workflows/w.yml@develop
`;
    expect(unpinnedReferences(read(".github/workflows/x.yml", workflow)).map((r) => `${r.line} ${r.reference}`)).toEqual([
      "8 org/tool@main",
      "9 org/other",
      "11 docker://alpine",
      "14 org/repo/.github/workflows/w.yml@develop",
    ]);
  });

  it("flags Azure tasks without their major version", () => {
    const pipeline = AZURE_OK.replace("HelmDeploy@0", "HelmDeploy");
    expect(unpinnedReferences(read("azure-pipelines.yml", pipeline)).map((r) => r.reference)).toEqual(["HelmDeploy"]);
    expect(unpinnedReferences(read("azure-pipelines.yml", AZURE_OK))).toEqual([]);
  });
});
