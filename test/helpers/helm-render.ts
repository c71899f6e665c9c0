/**
 * The builder's tests render charts with the validator's renderer (iac/helm-template.ts: the
 * subset of Go templates and Sprig Atlas's charts use, not Helm). Kept here so those tests keep
 * their import path.
 */
export { mergeValues, printValue, type RenderInput, renderChart, truthy } from "../../iac/helm-template.js";
