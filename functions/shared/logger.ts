import pino from "pino";
import { envNames } from "../topology";

const levels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/**
 * JSON logs for CloudWatch: one line per entry, `function` on every line. AWS: with the JSON log
 * format Lambda filters application lines by their `level` and dates them by an RFC 3339
 * `timestamp`; a line without them is filed as INFO at the time Lambda read it.
 */
export function createLogger(functionName: string, env: NodeJS.ProcessEnv = process.env, destination?: pino.DestinationStream): pino.Logger {
  const level = env[envNames.logLevel]?.toLowerCase() ?? "info";
  const options: pino.LoggerOptions = {
    level: levels.includes(level) ? level : "info",
    base: { function: functionName },
    timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type Logger = pino.Logger;
