import pino from "pino";
import { envNames } from "../topology";

const levels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** JSON logs for CloudWatch: one line per entry, `function` on every line. */
export function createLogger(functionName: string, env: NodeJS.ProcessEnv = process.env): pino.Logger {
  const level = env[envNames.logLevel]?.toLowerCase() ?? "info";
  return pino({
    level: levels.includes(level) ? level : "info",
    base: { function: functionName },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

export type Logger = pino.Logger;
