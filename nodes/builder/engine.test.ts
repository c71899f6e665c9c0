import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildArtifactsSchema } from "../../schemas/reports.js";
import { eksApiPlan, eksPipelinePlan } from "../../test/fixtures/plans/eks.js";
import { samplePlans, staticSitePlan, webApiProdPlan, workerDevPlan } from "../../test/fixtures/plans/index.js";
import { artifactDigest, renderArtifacts } from "./engine.js";

const clone = <T>(value: T): T => structuredClone(value);

describe("renderArtifacts", () => {
  for (const [name, plan] of Object.entries(samplePlans)) {
    describe(name, () => {
      const artifacts = renderArtifacts(plan);

      it("is deterministic: a second render (of a copy) gives identical files and digest", () => {
        const again = renderArtifacts(clone(plan));
        expect(again.digest).toBe(artifacts.digest);
        expect(again.files).toEqual(artifacts.files);
        expect(JSON.stringify(again)).toBe(JSON.stringify(artifacts));
      });

      it("matches the published BuildArtifacts schema and carries the plan's identity", () => {
        expect(buildArtifactsSchema.parse(artifacts)).toEqual(artifacts);
        expect(artifacts).toMatchObject({ plan_id: plan.plan_id, plan_version: plan.version, trace_id: plan.trace_id });
      });

      it("hashes every file and digests the (path, sha256) pairs", () => {
        for (const file of artifacts.files) {
          expect(file.sha256).toBe(createHash("sha256").update(file.content, "utf8").digest("hex"));
          expect(file.bytes).toBe(Buffer.byteLength(file.content, "utf8"));
        }
        const pairs = artifacts.files.map((f) => `${f.path}\0${f.sha256}\n`).join("");
        expect(artifacts.digest).toBe(createHash("sha256").update(pairs, "utf8").digest("hex"));
        expect(artifactDigest([...artifacts.files].reverse())).toBe(artifacts.digest);
      });

      it("lists files once each, sorted by path, with the kind their folder implies", () => {
        const paths = artifacts.files.map((f) => f.path);
        expect(paths).toEqual([...new Set(paths)].sort());
        for (const file of artifacts.files) {
          const expected = file.path.startsWith("terraform/")
            ? "terraform"
            : file.path.startsWith("kubernetes/")
              ? "kubernetes"
              : file.path.startsWith("helm/")
                ? "helm"
                : file.path.startsWith("pipelines/") || file.path.startsWith("gitops/")
                  ? "delivery"
                  : "doc";
          expect(file.kind).toBe(expected);
          expect(file.content).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/); // no timestamps
        }
      });
    });
  }

  it("changes the digest when the plan changes", () => {
    const bumped = { ...clone(webApiProdPlan), version: webApiProdPlan.version + 1 };
    expect(renderArtifacts(bumped).digest).not.toBe(renderArtifacts(webApiProdPlan).digest);
  });

  it("renders the expected file set for a service on ECS", () => {
    const paths = renderArtifacts(webApiProdPlan).files.map((f) => f.path);
    for (const file of [
      "versions",
      "providers",
      "variables",
      "network",
      "security",
      "alb",
      "compute",
      "ecr",
      "data",
      "iam",
      "secrets",
      "observability",
      "outputs",
    ]) {
      expect(paths).toContain(`terraform/${file}.tf`);
    }
    // The ECS task definition and service are Terraform; there is no cluster for manifests, a chart or GitOps sync.
    expect(paths.filter((p) => !p.startsWith("terraform/"))).toEqual([
      "README.md",
      "pipelines/azure-pipelines.deploy.yaml",
      "pipelines/github-actions/deploy.yml",
    ]);
  });

  it("renders the same API on EKS with its manifests and Helm chart", () => {
    const paths = renderArtifacts(eksApiPlan).files.map((f) => f.path);
    expect(renderArtifacts(eksApiPlan).files.find((f) => f.path === "terraform/compute.tf")?.content).toContain("aws_eks_cluster");
    for (const kind of [
      "serviceaccount",
      "configmap",
      "otel-configmap",
      "role",
      "rolebinding",
      "networkpolicy",
      "externalsecret",
      "deployment",
      "service",
      "ingress",
      "kustomization",
    ]) {
      expect(paths).toContain(`kubernetes/base/${kind}.yaml`);
    }
    // What not every environment has lives in the overlays: the namespace (named per environment), dev has no autoscaler or budget.
    for (const env of ["dev", "qa", "staging", "prod"]) {
      expect(paths).toContain(`kubernetes/overlays/${env}/kustomization.yaml`);
      expect(paths).toContain(`kubernetes/overlays/${env}/namespace.yaml`);
      expect(paths.includes(`kubernetes/overlays/${env}/hpa.yaml`)).toBe(env !== "dev");
    }
    for (const file of [
      "Chart.yaml",
      "values.yaml",
      "values-dev.yaml",
      "values-qa.yaml",
      "values-staging.yaml",
      "values-prod.yaml",
      "templates/_helpers.tpl",
      "templates/deployment.yaml",
    ]) {
      expect(paths).toContain(`helm/orders-api/${file}`);
    }
    expect(paths.some((p) => p.includes("cronjob"))).toBe(false);
    expect(paths).toContain("README.md");
  });

  it("renders a pipeline on EKS as a CronJob: no Deployment, autoscaler, Service or Ingress, in the manifests or the chart", () => {
    const paths = renderArtifacts(eksPipelinePlan).files.map((f) => f.path);
    const base = ["configmap", "cronjob", "kustomization", "networkpolicy-deny", "networkpolicy", "otel-configmap", "role", "rolebinding", "serviceaccount"];
    const overlays = ["dev", "prod", "qa", "staging"].flatMap((env) => [`overlays/${env}/kustomization`, `overlays/${env}/namespace`]);
    expect(paths.filter((p) => p.startsWith("kubernetes/")).sort()).toEqual(
      [...base.map((f) => `base/${f}`), ...overlays].map((f) => `kubernetes/${f}.yaml`).sort(),
    );
    const templates = [
      "_helpers.tpl",
      "configmap.yaml",
      "cronjob.yaml",
      "externalsecret.yaml",
      "namespace.yaml",
      "networkpolicy.yaml",
      "otel-configmap.yaml",
      "rbac.yaml",
    ];
    expect(paths.filter((p) => p.startsWith("helm/ledger-export/templates/")).sort()).toEqual(
      [...templates, "serviceaccount.yaml"].map((file) => `helm/ledger-export/templates/${file}`),
    );
    // EventBridge starts ECS runs; on EKS the CronJob does, so there is no rule to create.
    expect(paths).not.toContain("terraform/schedule.tf");
  });

  it("keeps a schedule a CronJob could not keep when the design runs on ECS, where EventBridge runs it as written", () => {
    const plan = clone(eksPipelinePlan);
    plan.compute = { ...plan.compute, platform: "ecs-fargate", node_instance_type: null, node_count: 0 };
    plan.compute.schedule = { expression: "rate(205 minutes)", run_minutes: 45, tasks_per_run: 3 };
    const files = renderArtifacts(plan).files;
    expect(files.filter((f) => f.kind === "kubernetes" || f.kind === "helm")).toEqual([]);
    expect(files.find((f) => f.path === "terraform/schedule.tf")?.content).toContain("rate(205 minutes)");
  });

  it("gives a one-replica worker without ingress no Ingress and no PodDisruptionBudget", () => {
    const paths = renderArtifacts(workerDevPlan).files.map((f) => f.path);
    expect(paths.filter((p) => p.endsWith("/ingress.yaml") && p.startsWith("kubernetes/"))).toEqual([]);
    // dev is the plan's environment and runs one pod: a budget only in the environments with two or more.
    expect(paths.filter((p) => p.endsWith("/pdb.yaml") && p.startsWith("kubernetes/")).sort()).toEqual(
      ["prod", "qa"].map((env) => `kubernetes/overlays/${env}/pdb.yaml`),
    );
    expect(paths).not.toContain("terraform/alb.tf");
  });

  it("renders a static site as S3 and CloudFront only: no compute, no network, no manifests", () => {
    const paths = renderArtifacts(staticSitePlan).files.map((f) => f.path);
    expect(paths.filter((p) => !p.startsWith("terraform/"))).toEqual([
      "README.md",
      "pipelines/azure-pipelines.deploy.yaml",
      "pipelines/github-actions/deploy.yml",
    ]);
    expect(paths).toContain("terraform/cdn.tf");
    expect(paths).not.toContain("terraform/network.tf");
    expect(paths).not.toContain("terraform/compute.tf");
  });

  const readmeOf = (plan: typeof webApiProdPlan) => renderArtifacts(plan).files.find((f) => f.path === "README.md");

  it("writes a README with the components, the cost and how to apply, and no kubectl or helm for an ECS design", () => {
    const readme = readmeOf(webApiProdPlan);
    expect(readme?.kind).toBe("doc");
    for (const text of ["| orders-db | rds-postgres |", "$852.60", "terraform init", "terraform apply", "GET /healthz"]) {
      expect(readme?.content).toContain(text);
    }
    for (const text of ["kubectl", "helm", "kubernetes/", "Kubernetes"]) expect(readme?.content).not.toContain(text);
  });

  it("tells an EKS design how to deploy the workload with the manifests or the chart", () => {
    for (const text of ["aws eks update-kubeconfig", "kubectl apply -k kubernetes/overlays/prod", "helm upgrade --install orders-api helm/orders-api"]) {
      expect(readmeOf(eksApiPlan)?.content).toContain(text);
    }
    const pipeline = readmeOf(eksPipelinePlan)?.content ?? "";
    for (const text of [
      "Then deploy the CronJob",
      "`0 2 * * *` in Etc/UTC",
      "`cron(0 2 * * ? *)`",
      "after 45 min",
      "kubectl create job --from=cronjob/ledger-export",
    ]) {
      expect(pipeline).toContain(text);
    }
    // A run serves nothing: it must finish, not answer a health check.
    expect(pipeline).toContain("Each run must exit 0");
    expect(pipeline).not.toContain("/healthz");
  });

  describe("refuses plans it cannot build as written", () => {
    const withCompute = (image: string) => ({ ...clone(webApiProdPlan), compute: { ...webApiProdPlan.compute, image } });

    it.each(["ghcr.io/acme/app", "ghcr.io/acme/app:latest", "localhost:5000/app"])("unpinned image %s", (image) => {
      expect(() => renderArtifacts(withCompute(image))).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    });

    it("accepts an image pinned by digest", () => {
      const digest = `ghcr.io/acme/app@sha256:${"a".repeat(64)}`;
      expect(renderArtifacts(withCompute(digest)).files.find((f) => f.path === "terraform/compute.tf")?.content).toContain(digest);
      const files = renderArtifacts({ ...clone(eksApiPlan), compute: { ...eksApiPlan.compute, image: digest } }).files;
      expect(files.find((f) => f.path === "kubernetes/base/deployment.yaml")?.content).toContain(digest);
      expect(files.find((f) => f.path === "helm/orders-api/values.yaml")?.content).toContain(`digest: sha256:${"a".repeat(64)}`);
    });

    it.each(["*", "s3:*", "*:*"])("wildcard IAM action %s", (action) => {
      const plan = clone(webApiProdPlan);
      plan.security.iam_scopes = [{ principal: "api", actions: [action], resources: ["uploads"] }];
      expect(() => renderArtifacts(plan)).toThrow(
        expect.objectContaining({ code: "VALIDATION_FAILED", issues: [expect.objectContaining({ path: "security.iam_scopes[0].actions[0]" })] }),
      );
    });

    it("an IAM resource that is neither an ARN nor a resource of the plan", () => {
      const plan = clone(webApiProdPlan);
      plan.security.iam_scopes = [{ principal: "api", actions: ["s3:GetObject"], resources: ["somebody-elses-bucket"] }];
      expect(() => renderArtifacts(plan)).toThrow(/unknown resource/);
    });

    it("two ids that would share a Terraform name", () => {
      const plan = clone(webApiProdPlan);
      plan.buckets = [...plan.buckets, { ...plan.buckets[0], id: "Uploads" } as (typeof plan.buckets)[number]];
      expect(() => renderArtifacts(plan)).toThrow(/both be named uploads/);
    });

    it("a cloud other than AWS", () => {
      expect(() => renderArtifacts({ ...clone(webApiProdPlan), cloud: "gcp" })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    });
  });
});
