import pgvector from "pgvector";

/**
 * pgvector text literals, the form an embedding takes on its way into SQL (`$1::vector`).
 * The formatting is pgvector-node's.
 */

/** `vector` literal of a dense embedding, every component as the model gave it. */
export function vectorLiteral(values: number[]): string {
  return pgvector.toSql(values) as string;
}
