import type { Rule } from "../types.js";

export const dataStoreRules: readonly Rule[] = [];
