import type { PlanSpec } from "../../../schemas/plan.js";
import type { RenderedFile } from "../context.js";
import { renderBicepFiles } from "./bicep.js";
import { makeAzureContext } from "./context.js";
import { renderAzureTerraform } from "./terraform.js";

export { AZURE_UNTAGGABLE_TYPES, azureTags } from "./context.js";

/**
 * Everything the Azure builder writes for a plan: the azurerm Terraform root module
 * (`terraform/<concern>.tf`) and the same design as Bicep (`bicep/main.bicep` with its parameters
 * file). Deterministic: the same plan gives byte-identical files.
 * @throws AtlasError `VALIDATION_FAILED` when the plan is not an Azure plan or asks for what Azure cannot run as given
 */
export function renderAzure(plan: PlanSpec): RenderedFile[] {
  const ctx = makeAzureContext(plan);
  return [...renderAzureTerraform(ctx), ...renderBicepFiles(ctx)];
}
