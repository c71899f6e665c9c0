import type { Rule } from "../types.js";

export const serverlessRules: readonly Rule[] = [];
