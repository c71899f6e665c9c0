import { block, type HclBlock, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { bucketAddress, bucketName, serviceAgent } from "./addresses.js";
import { APIS, output } from "./base.js";
import type { GcpContext, GcpSection } from "./context.js";
import { keyGrant, kmsKey } from "./kms.js";

/** The bucket a static site is served from, if the plan has one. */
export function siteBucket(ctx: GcpContext): GcpContext["plan"]["buckets"][number] | undefined {
  return ctx.plan.buckets.find((b) => b.public_website);
}

/**
 * storage.tf: a bucket per plan bucket in the plan's region, uniform bucket-level access,
 * public access prevention enforced (nothing can be granted to allUsers), versioning as the plan
 * says with old versions deleted after 30 days, emptied on destroy outside prod. A static
 * site's bucket stays private too: Cloud CDN's cache-fill service agent
 * (`service-<number>@cloud-cdn-fill.iam.gserviceaccount.com`, Google's "Configure private bucket
 * access" guide for backend buckets) gets read access, nobody else.
 */
export function renderStorage(ctx: GcpContext): GcpSection[] {
  const { plan } = ctx;
  if (plan.buckets.length === 0) return [];
  const blocks: HclBlock[] = [];
  plan.buckets.forEach((bucket) => {
    const owner = ctx.component(["gcs-bucket"], bucket.id);
    blocks.push(
      ctx.resource("google_storage_bucket", tfName(bucket.id), owner, {
        name: bucketName(ctx, bucket),
        location: plan.region.toUpperCase(),
        storage_class: "STANDARD",
        uniform_bucket_level_access: true,
        public_access_prevention: "enforced",
        force_destroy: !ctx.prod,
        versioning: block({ enabled: bucket.versioning }),
        encryption: ctx.cmk ? block({ default_kms_key_name: kmsKey(ctx) }) : undefined,
        lifecycle_rule: bucket.versioning ? block({ condition: block({ days_since_noncurrent_time: 30 }), action: block({ type: "Delete" }) }) : undefined,
        website: bucket.public_website ? block({ main_page_suffix: "index.html", not_found_page: "404.html" }) : undefined,
        depends_on: [ref(APIS), ...keyGrant(ctx, "storage")],
      }),
    );
    if (bucket.public_website) {
      blocks.push(
        ctx.resource("google_storage_bucket_iam_member", `${tfName(bucket.id)}_cdn_reader`, owner, {
          bucket: ref(`${bucketAddress(bucket)}.name`),
          role: "roles/storage.objectViewer",
          member: serviceAgent("cloud-cdn-fill.iam.gserviceaccount.com"),
        }),
      );
    }
  });
  const outputs = plan.buckets.map((b) => output(`bucket_${tfName(b.id)}_name`, `Cloud Storage bucket ${b.id}`, ref(`${bucketAddress(b)}.name`)));
  return [
    { file: "storage.tf", blocks },
    { file: "outputs.tf", blocks: outputs },
  ];
}
