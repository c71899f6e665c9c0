import type pg from "pg";
import { SLACK_MAX_AGE_SECONDS } from "./signature.js";

// The one module that writes SQL against `atlas_slack_requests` (migrations/006_slack_requests.sql).

/**
 * How long past the window a signature is kept: a replica whose clock runs behind the others
 * still accepts a timestamp the others have let go, so it must still find the signature.
 */
const SKEW_MARGIN_SECONDS = SLACK_MAX_AGE_SECONDS;

/** The signed Slack requests Atlas has already accepted, shared by every replica through Postgres. */
export interface SeenSlackRequests {
  /**
   * Records a request's signature, unless it is already recorded.
   * @param timestamp the request's `X-Slack-Request-Timestamp` (seconds), already checked
   * @returns true the first time a signature is seen, false for a replay.
   */
  remember(signature: string, timestamp: number): Promise<boolean>;
}

/**
 * Accepted request signatures in Postgres: the insert on the primary key decides, atomically,
 * which of two replicas receiving the same request answers it. Postgres, not Redis, because
 * it is the one store every replica always has: a signature kept only in Redis would be
 * forgotten by a Redis outage or restart, and its replay accepted within the window.
 */
export function makeSeenSlackRequests(pool: Pick<pg.Pool, "query">): SeenSlackRequests {
  return {
    async remember(signature, timestamp) {
      // A signature is refused by its timestamp once out of the window, so forgetting it then is safe.
      await pool.query("delete from atlas_slack_requests where expires_at < now()");
      const { rowCount } = await pool.query(
        `insert into atlas_slack_requests (signature, expires_at) values ($1, to_timestamp($2::bigint))
         on conflict (signature) do nothing`,
        [signature, timestamp + SLACK_MAX_AGE_SECONDS + SKEW_MARGIN_SECONDS],
      );
      return rowCount === 1;
    },
  };
}
