import type { BuildContext } from "../context.js";
import { block, call, ref } from "../hcl.js";
import { kmsArn, type TfSection } from "./shared.js";

/** Untagged images older than this are expired; tagged releases are kept (the newest 50). */
const UNTAGGED_DAYS = 14;
const KEEP_RELEASES = 50;

/** ecr.tf: the service's image repository: immutable tags, scan on push, encrypted, with a lifecycle policy. */
export function renderEcr(ctx: BuildContext): TfSection[] {
  if (!ctx.hasService) return [];
  const owner = ctx.component(["ecr-repository"]);
  const key = kmsArn(ctx);
  return [
    {
      file: "ecr.tf",
      blocks: [
        ctx.resource("aws_ecr_repository", "app", owner, {
          name: `${ctx.plan.goal_name}/${ctx.plan.environment}`,
          image_tag_mutability: "IMMUTABLE",
          force_delete: false,
          image_scanning_configuration: block({ scan_on_push: true }),
          encryption_configuration: block(key ? { encryption_type: "KMS", kms_key: key } : { encryption_type: "AES256" }),
        }),
        ctx.resource("aws_ecr_lifecycle_policy", "app", owner, {
          repository: ref("aws_ecr_repository.app.name"),
          policy: call("jsonencode", {
            rules: [
              {
                rulePriority: 1,
                description: `Expire untagged images after ${UNTAGGED_DAYS} days`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: UNTAGGED_DAYS },
                action: { type: "expire" },
              },
              {
                rulePriority: 2,
                description: `Keep the newest ${KEEP_RELEASES} images`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: KEEP_RELEASES },
                action: { type: "expire" },
              },
            ],
          }),
        }),
      ],
    },
  ];
}
