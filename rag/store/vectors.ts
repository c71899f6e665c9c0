import pgvector from "pgvector";

/**
 * pgvector text literals, the form every vector takes on its way into SQL (`$1::sparsevec`,
 * `$1::vector`). The formatting is pgvector-node's; what stays here is Atlas's rounding and
 * ordering, which fix the stored bytes (and so what a re-ingest compares).
 */

/**
 * `sparsevec` literal of BM25 weights: `weights` keys are 0-based dimensions; zeros are dropped,
 * dimensions ascend, and each weight keeps six significant digits (BM25 weights need no more,
 * and a shorter literal is cheaper to parse).
 */
export function sparsevecLiteral(weights: Map<number, number>, dimensions: number): string {
  const rounded = new Map([...weights.entries()].sort((a, b) => a[0] - b[0]).map(([dimension, weight]) => [dimension, Number(weight.toPrecision(6))]));
  return pgvector.toSql(new pgvector.SparseVector(rounded, dimensions)) as string;
}

/** `vector` literal of a dense embedding, every component as the model gave it. */
export function vectorLiteral(values: number[]): string {
  return pgvector.toSql(values) as string;
}
