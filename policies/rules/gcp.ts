import type { Rule } from "../types.js";
import { gcpDataRules } from "./gcp-data.js";
import { gcpGkeRules } from "./gcp-gke.js";
import { gcpIamRules } from "./gcp-iam.js";
import { gcpLbRules } from "./gcp-lb.js";
import { gcpNetworkRules } from "./gcp-network.js";
import { gcpRunRules } from "./gcp-run.js";
import { gcpSqlRules } from "./gcp-sql.js";
import { gcpStorageRules } from "./gcp-storage.js";

/**
 * Every Google Cloud rule (google provider 5.x / 6.x argument names), grouped by area:
 * Cloud Storage, Cloud SQL, GKE, VPC network, load balancing, Cloud Run, Memorystore and
 * Pub/Sub, IAM. Registered in rules/index.ts.
 */
export const gcpRules: readonly Rule[] = [
  ...gcpStorageRules,
  ...gcpSqlRules,
  ...gcpGkeRules,
  ...gcpNetworkRules,
  ...gcpLbRules,
  ...gcpRunRules,
  ...gcpDataRules,
  ...gcpIamRules,
];
