import type { Rule } from "../types.js";
import { azureContainerRules } from "./azure-containers.js";
import { azureDataRules } from "./azure-data.js";
import { azureIdentityRules } from "./azure-identity.js";
import { azureLoggingRules } from "./azure-logging.js";
import { azureNetworkRules } from "./azure-network.js";
import { azureStorageRules } from "./azure-storage.js";

/**
 * Every Azure (azurerm provider) rule, by area. Aliases are Checkov ids (CKV_AZURE_n,
 * CKV2_AZURE_n) and Trivy ids in short form (AZU-00nn for AVD-AZU-00nn); each Trivy id claimed
 * has a fixture folder in fixtures/.
 */
export const azureRules: readonly Rule[] = [
  ...azureStorageRules,
  ...azureDataRules,
  ...azureIdentityRules,
  ...azureNetworkRules,
  ...azureContainerRules,
  ...azureLoggingRules,
];
