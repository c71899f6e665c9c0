import { pino } from "pino";

/** Structured JSON logger (pino); `child()` binds fields such as trace_id to every line. */
export type Logger = pino.Logger;

/** Creates the process logger. Secrets in common places are redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          "req.headers.authorization",
          "headers.authorization",
          "*.apiKey",
          "*.api_key",
          "*.password",
          "req.headers.cookie",
          "headers.cookie",
          "*.headers.authorization",
          "*.authorization",
          "*.token",
          "*.secret",
          'req.headers["x-slack-signature"]',
          'headers["x-slack-signature"]',
          "config.OPENAI_API_KEY",
          "config.SLACK_SIGNING_SECRET",
          "config.SLACK_WEBHOOK_URL",
          "config.DATABASE_URL",
          "config.REDIS_URL",
          "*.OPENAI_API_KEY",
          "*.SLACK_SIGNING_SECRET",
          "*.SLACK_WEBHOOK_URL",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}

/** The fields every log line of a planning run carries. */
export interface RunLogFields {
  trace_id: string;
  tenant: string;
  thread_id: string;
}

/** A child logger that binds a run's trace_id, tenant and thread_id to each of its lines. */
export function runLogger(log: Logger, run: RunLogFields): Logger {
  return log.child({ trace_id: run.trace_id, tenant: run.tenant, thread_id: run.thread_id });
}
