import type { Rule } from "../types.js";

export const podSecurityRules: readonly Rule[] = [];
