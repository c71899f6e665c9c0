// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold Terraform interpolations, not JS templates
import { describe, expect, it } from "vitest";
import { parseTerraform } from "../../iac/terraform.js";
import type { TerraformResource } from "../../iac/types.js";
import { HOURS_PER_MONTH } from "../catalogue.js";
import { toCents } from "../money.js";
import { getGcpRates } from "./catalogue.js";
import { estimateGcp } from "./estimate.js";
import { cronRunsPerMonth, parseCpu, parseMemoryGib, planGcpResource } from "./terraform.js";

const card = getGcpRates("us-central1");
const rate = (key: string): number => {
  const value = card.rates[key];
  if (value === undefined) throw new Error(`test card lacks ${key}`);
  return value;
};
const usd = (amount: number) => toCents(amount) / 100;
const SECONDS = HOURS_PER_MONTH * 3600;

async function parse(hcl: string): Promise<TerraformResource[]> {
  const parsed = await parseTerraform([{ path: "main.tf", content: hcl }]);
  expect(parsed.errors).toEqual([]);
  return parsed.resources;
}

const STACK = `
resource "google_project_service" "run" {
  service = "run.googleapis.com"
}
resource "google_compute_network" "main" {
  name                    = "main"
  auto_create_subnetworks = false
}
resource "google_compute_subnetwork" "main" {
  name          = "main"
  network       = google_compute_network.main.id
  ip_cidr_range = "10.0.0.0/20"
  region        = "us-central1"
}
resource "google_service_account" "api" {
  account_id = "api"
}
resource "google_project_iam_member" "api_sql" {
  project = "p"
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:\${google_service_account.api.email}"
}
resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  location = "us-central1"
  template {
    scaling {
      min_instance_count = 2
    }
    containers {
      image = "gcr.io/p/api"
      resources {
        limits   = { cpu = "2", memory = "1Gi" }
        cpu_idle = false
      }
    }
  }
}
resource "google_cloud_run_v2_service" "web" {
  name     = "web"
  location = "us-central1"
  template {
    containers {
      image = "gcr.io/p/web"
    }
  }
}
resource "google_container_cluster" "main" {
  name                     = "main"
  location                 = "us-central1"
  remove_default_node_pool = true
  initial_node_count       = 1
}
resource "google_container_node_pool" "general" {
  name    = "general"
  cluster = google_container_cluster.main.id
  autoscaling {
    min_node_count = 1
    max_node_count = 5
  }
  node_config {
    machine_type = "e2-standard-4"
    disk_size_gb = 50
  }
}
resource "google_container_node_pool" "batch" {
  name           = "batch"
  cluster        = google_container_cluster.main.id
  node_count     = 2
  node_locations = ["us-central1-a"]
  node_config {
    machine_type = "n2-standard-2"
    spot         = true
    disk_type    = "pd-ssd"
  }
}
resource "google_sql_database_instance" "main" {
  name             = "main"
  database_version = "POSTGRES_16"
  region           = "us-central1"
  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"
    disk_size         = 100
  }
}
resource "google_sql_database" "app" {
  name     = "app"
  instance = google_sql_database_instance.main.name
}
resource "google_redis_instance" "cache" {
  name           = "cache"
  tier           = "STANDARD_HA"
  memory_size_gb = 5
}
resource "google_storage_bucket" "assets" {
  name     = "assets"
  location = "US"
}
resource "google_pubsub_topic" "events" {
  name = "events"
}
resource "google_pubsub_subscription" "events" {
  name  = "events"
  topic = google_pubsub_topic.events.id
}
resource "google_compute_global_address" "lb" {
  name = "lb"
}
resource "google_compute_global_forwarding_rule" "https" {
  name       = "https"
  target     = "x"
  ip_address = google_compute_global_address.lb.id
}
resource "google_compute_global_forwarding_rule" "http" {
  name       = "http"
  target     = "y"
  ip_address = google_compute_global_address.lb.id
}
resource "google_compute_security_policy" "edge" {
  name = "edge"
  rule {
    action   = "deny(403)"
    priority = 1000
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["9.9.9.0/24"]
      }
    }
  }
  rule {
    action   = "allow"
    priority = 2147483647
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
  }
}
resource "google_secret_manager_secret" "db" {
  secret_id = "db"
  replication {
    auto {}
  }
}
resource "google_secret_manager_secret_version" "db" {
  secret      = google_secret_manager_secret.db.id
  secret_data = "x"
}
resource "google_monitoring_alert_policy" "errors" {
  display_name = "errors"
  combiner     = "OR"
  conditions {
    display_name = "5xx"
  }
}
resource "google_artifact_registry_repository" "images" {
  repository_id = "images"
  format        = "DOCKER"
}
resource "google_compute_router" "nat" {
  name    = "nat"
  network = google_compute_network.main.id
}
resource "google_compute_router_nat" "nat" {
  name   = "nat"
  router = google_compute_router.nat.name
}
resource "google_cloud_scheduler_job" "nightly" {
  name     = "nightly"
  schedule = "0 3 * * *"
  http_target {
    uri = "https://run.googleapis.com/v2/\${google_cloud_run_v2_job.report.id}:run"
  }
}
resource "google_cloud_run_v2_job" "report" {
  name     = "report"
  location = "us-central1"
  template {
    task_count = 2
    template {
      timeout = "300s"
      containers {
        image = "gcr.io/p/report"
        resources {
          limits = { cpu = "1", memory = "2Gi" }
        }
      }
    }
  }
}
resource "google_bigtable_instance" "big" {
  name = "big"
}
resource "random_password" "db" {
  length = 24
}
`;

describe("estimateGcp over real HCL", async () => {
  const resources = await parse(STACK);
  const estimate = estimateGcp(resources, { region: "us-central1" });
  const find = (address: string) => estimate.resources.find((entry) => entry.address === address);

  it("returns the Infracost-like envelope, sorted, with free and unsupported lists", () => {
    expect(estimate).toMatchObject({ currency: "USD", region: "us-central1", priceVersion: card.priceVersion });
    const addresses = estimate.resources.map((entry) => entry.address);
    expect(addresses).toEqual([...addresses].sort());
    expect(estimate.free).toEqual([
      "google_compute_global_address.lb",
      "google_compute_global_forwarding_rule.https",
      "google_compute_network.main",
      "google_compute_router.nat",
      "google_compute_subnetwork.main",
      "google_project_iam_member.api_sql",
      "google_project_service.run",
      "google_pubsub_subscription.events",
      "google_secret_manager_secret_version.db",
      "google_service_account.api",
      "google_sql_database.app",
      "random_password.db",
    ]);
    expect(estimate.unsupported).toEqual([
      { address: "google_bigtable_instance.big", type: "google_bigtable_instance", reason: "no price mapping for google_bigtable_instance" },
    ]);
    // alerting conditions are priced per condition from the card
    expect(find("google_monitoring_alert_policy.errors")?.costComponents.map((c) => c.name)).toEqual(["Alerting conditions"]);
  });

  it("totals are the sum of the resources' rounded costs", () => {
    const cents = estimate.resources.reduce((sum, entry) => sum + toCents(entry.monthlyCost), 0);
    expect(estimate.totalMonthlyCost).toBe(cents / 100);
  });

  it("Cloud Run with cpu_idle = false: two instances of 2 vCPU and 1 GiB all month", () => {
    const api = find("google_cloud_run_v2_service.api");
    expect(api?.monthlyCost).toBe(usd(2 * 2 * SECONDS * rate("cloud-run.instance.vcpu-second")) + usd(2 * 1 * SECONDS * rate("cloud-run.instance.gib-second")));
  });

  it("Cloud Run by default (request-based, no minimum): only usage lines", () => {
    const web = find("google_cloud_run_v2_service.web");
    expect(web?.monthlyCost).toBe(0);
    expect(web?.costComponents.every((line) => line.usageBased && line.monthlyCost === null)).toBe(true);
  });

  it("GKE: the management fee; node pools per zone of a regional cluster (3) or their own zones", () => {
    expect(find("google_container_cluster.main")?.monthlyCost).toBe(usd(HOURS_PER_MONTH * rate("gke.cluster.hour")));
    const general = find("google_container_node_pool.general");
    const e2Standard4 = 4 * rate("compute.e2.vcpu-hour") + 16 * rate("compute.e2.ram-gb-hour");
    expect(general?.costComponents[0]).toMatchObject({ hourlyQuantity: 3 });
    expect(general?.monthlyCost).toBe(usd(3 * HOURS_PER_MONTH * e2Standard4) + usd(3 * 50 * rate("compute.pd-balanced.gb-month")));
    const batch = find("google_container_node_pool.batch");
    const n2Spot = 2 * rate("compute.n2.spot.vcpu-hour") + 8 * rate("compute.n2.spot.ram-gb-hour");
    expect(batch?.monthlyCost).toBe(usd(2 * HOURS_PER_MONTH * n2Spot) + usd(2 * 100 * rate("compute.pd-ssd.gb-month")));
  });

  it("Cloud SQL REGIONAL: regional (HA) compute and storage rates", () => {
    const sql = find("google_sql_database_instance.main");
    const expected =
      usd(2 * HOURS_PER_MONTH * rate("cloud-sql.postgres.ha.vcpu-hour")) +
      usd(7.5 * HOURS_PER_MONTH * rate("cloud-sql.postgres.ha.ram-gb-hour")) +
      usd(100 * rate("cloud-sql.ssd.ha.gb-month"));
    expect(sql?.monthlyCost).toBeCloseTo(expected, 10);
  });

  it("Memorystore, bucket, Pub/Sub, Artifact Registry", () => {
    expect(find("google_redis_instance.cache")?.monthlyCost).toBe(usd(5 * HOURS_PER_MONTH * rate("memorystore.STANDARD_HA.M2.gb-hour")));
    expect(find("google_storage_bucket.assets")?.costComponents[0]).toMatchObject({ price: rate("gcs.standard.multi-region.gb-month"), monthlyCost: null });
    expect(find("google_pubsub_topic.events")?.monthlyCost).toBe(0);
    expect(find("google_artifact_registry_repository.images")?.costComponents).toHaveLength(1);
  });

  it("two global forwarding rules share one minimum charge, carried by the first by address", () => {
    expect(find("google_compute_global_forwarding_rule.http")?.monthlyCost).toBe(usd(HOURS_PER_MONTH * rate("lb.forwarding-rules.first-5.hour")));
    expect(find("google_compute_global_forwarding_rule.https")).toBeUndefined();
  });

  it("Cloud Armor counts its rules; a secret its versions; the scheduler its job", () => {
    expect(find("google_compute_security_policy.edge")?.monthlyCost).toBe(usd(rate("armor.policy.month")) + usd(2 * rate("armor.rule.month")));
    expect(find("google_secret_manager_secret.db")?.monthlyCost).toBe(usd(rate("secret-manager.version.month")));
    expect(find("google_cloud_scheduler_job.nightly")?.monthlyCost).toBe(usd(rate("scheduler.job.month")));
  });

  it("a Cloud Run job targeted by a daily scheduler: 30.4 runs × 2 tasks × the 5-minute timeout", () => {
    const taskSeconds = (HOURS_PER_MONTH / 24) * 2 * 300;
    const job = find("google_cloud_run_v2_job.report");
    expect(job?.monthlyCost).toBe(usd(taskSeconds * rate("cloud-run.job.vcpu-second")) + usd(taskSeconds * 2 * rate("cloud-run.job.gib-second")));
  });

  it("usage figures by address fill usage lines", () => {
    const withUsage = estimateGcp(resources, { region: "us-central1", usage: { "google_pubsub_topic.events": { monthly_throughput_gb: 100 } } });
    expect(withUsage.resources.find((entry) => entry.address === "google_pubsub_topic.events")?.monthlyCost).toBe(usd(100 * rate("pubsub.throughput.gib")));
    expect(withUsage.totalUsageBasedItems).toBe(estimate.totalUsageBasedItems - 1);
  });
});

describe("planGcpResource", () => {
  it("an unresolved deciding attribute is unsupported, naming it, never $0", async () => {
    const resources = await parse(`
variable "tier" {
  type = string
}
resource "google_sql_database_instance" "main" {
  database_version = "POSTGRES_16"
  settings {
    tier = var.tier
  }
}
resource "google_container_node_pool" "pool" {
  location = "us-central1"
  node_config {
    machine_type = var.tier
  }
}
`);
    const estimate = estimateGcp(resources, { region: "us-central1" });
    expect(estimate.resources).toEqual([]);
    expect(estimate.unsupported.map((entry) => entry.address)).toEqual(["google_container_node_pool.pool", "google_sql_database_instance.main"]);
    expect(estimate.unsupported[0]?.reason).toMatch(/machine_type is "\$\{var\.tier\}"/);
    expect(estimate.unsupported[1]?.reason).toMatch(/tier is "\$\{var\.tier\}"/);
  });

  it("a machine type the card cannot price makes the resource unsupported", async () => {
    const resources = await parse(`
resource "google_compute_instance" "vm" {
  machine_type = "c3-standard-4"
  zone         = "us-central1-a"
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
}
`);
    const estimate = estimateGcp(resources, { region: "us-central1" });
    expect(estimate.unsupported[0]).toMatchObject({ address: "google_compute_instance.vm", reason: expect.stringContaining("c3-standard-4") });
  });

  it("the default node pool: e2-medium × initial_node_count per zone, 100 GB pd-balanced", async () => {
    const resources = await parse(`
resource "google_container_cluster" "zonal" {
  name               = "zonal"
  location           = "us-central1-a"
  initial_node_count = 2
}
`);
    const [cluster] = estimateGcp(resources, { region: "us-central1" }).resources;
    const e2Medium = 1 * rate("compute.e2.vcpu-hour") + 4 * rate("compute.e2.ram-gb-hour");
    expect(cluster?.monthlyCost).toBe(
      usd(HOURS_PER_MONTH * rate("gke.cluster.hour")) + usd(2 * HOURS_PER_MONTH * e2Medium) + usd(2 * 100 * rate("compute.pd-balanced.gb-month")),
    );
  });

  it("count multiplies configuration lines; an unresolved for_each is unsupported", () => {
    const base = { type: "google_redis_instance", name: "c", file: "main.tf", line: 1 };
    const counted = estimateGcp([{ ...base, address: "google_redis_instance.c", attributes: { memory_size_gb: 1, count: 3 } }], { region: "us-central1" });
    expect(counted.resources[0]?.monthlyCost).toBe(usd(3 * HOURS_PER_MONTH * rate("memorystore.BASIC.M1.gb-hour")));
    const plan = planGcpResource(
      { ...base, address: "google_redis_instance.c", attributes: { memory_size_gb: 1, for_each: "${var.caches}" } },
      { resources: [] },
    );
    expect(plan).toMatchObject({ kind: "unsupported", reason: expect.stringContaining("for_each") });
  });

  it("a KMS software key is one key version; a key ring and service identities are free; a secret without a version counts one", async () => {
    const resources = await parse(`
resource "google_kms_key_ring" "main" {
  name     = "keys"
  location = "us-central1"
}
resource "google_kms_crypto_key" "main" {
  name            = "data"
  key_ring        = google_kms_key_ring.main.id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = "7776000s"
}
resource "google_kms_crypto_key" "hsm" {
  name     = "hsm"
  key_ring = google_kms_key_ring.main.id
  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = "HSM"
  }
}
resource "google_project_service_identity" "sql" {
  service = "sqladmin.googleapis.com"
}
resource "google_secret_manager_secret" "token" {
  secret_id = "token"
  replication {
    user_managed {
      replicas {
        location = "us-central1"
      }
      replicas {
        location = "us-east1"
      }
    }
  }
}
`);
    const estimate = estimateGcp(resources, { region: "us-central1" });
    expect(estimate.free).toEqual(["google_kms_key_ring.main", "google_project_service_identity.sql"]);
    expect(estimate.resources.find((entry) => entry.address === "google_kms_crypto_key.main")?.monthlyCost).toBe(usd(rate("kms.software-key-version.month")));
    expect(estimate.unsupported).toEqual([{ address: "google_kms_crypto_key.hsm", type: "google_kms_crypto_key", reason: expect.stringContaining("HSM") }]);
    // one version (none in the Terraform) in two replica locations
    expect(estimate.resources.find((entry) => entry.address === "google_secret_manager_secret.token")?.monthlyCost).toBe(
      usd(2 * rate("secret-manager.version.month")),
    );
  });

  it("a Cloud Run job nothing schedules is unsupported with the reason", () => {
    const job = { type: "google_cloud_run_v2_job", name: "j", address: "google_cloud_run_v2_job.j", file: "main.tf", line: 1, attributes: {} };
    expect(planGcpResource(job, { resources: [job] })).toMatchObject({ kind: "unsupported", reason: expect.stringContaining("how often") });
  });

  it("a reserved address no forwarding rule uses is priced as unused (an upper bound); a peering range is free", () => {
    const address = (purpose?: string) => ({
      type: "google_compute_global_address",
      name: "a",
      address: "google_compute_global_address.a",
      file: "main.tf",
      line: 1,
      attributes: purpose ? { purpose } : {},
    });
    expect(planGcpResource(address(), { resources: [] })).toEqual({ kind: "priced", specs: [{ kind: "static-ip" }], instances: 1 });
    expect(planGcpResource(address("VPC_PEERING"), { resources: [] })).toEqual({ kind: "free" });
  });
});

describe("readers", () => {
  it("parses CPU and memory quantities", () => {
    expect(parseCpu("1000m", "cpu")).toBe(1);
    expect(parseCpu("2", "cpu")).toBe(2);
    expect(parseMemoryGib("512Mi", "memory")).toBe(0.5);
    expect(parseMemoryGib("2Gi", "memory")).toBe(2);
    expect(() => parseMemoryGib("lots", "memory")).toThrow(/memory quantity/);
  });

  it("counts runs of simple cron schedules and refuses others", () => {
    expect(cronRunsPerMonth("0 * * * *")).toBe(HOURS_PER_MONTH);
    expect(cronRunsPerMonth("*/15 * * * *")).toBeCloseTo(HOURS_PER_MONTH * 4, 10);
    expect(cronRunsPerMonth("0 3 * * *")).toBe(HOURS_PER_MONTH / 24);
    expect(cronRunsPerMonth("0 3 * * 1")).toBeCloseTo(HOURS_PER_MONTH / 24 / 7, 10);
    expect(cronRunsPerMonth("30 2 * * 1-5")).toBeCloseTo((HOURS_PER_MONTH / 24) * (5 / 7), 10);
    expect(cronRunsPerMonth("0 9,17 * * 0,7")).toBeCloseTo((HOURS_PER_MONTH / 24 / 7) * 2, 10);
    expect(cronRunsPerMonth("0 */6 * * *")).toBe((HOURS_PER_MONTH / 24) * 4);
    expect(cronRunsPerMonth("0 3 1 * *")).toBeUndefined();
    expect(cronRunsPerMonth("0 3 * * MON")).toBeUndefined();
  });
});
