import type { Rule } from "../types.js";

export const rbacRules: readonly Rule[] = [];
