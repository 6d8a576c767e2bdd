/**
 * `npm start`: the whole of Fluxa on this machine. Reads PORT, FLUXA_DATA_DIR, DATABASE_URL,
 * AWS_ENDPOINT_URL, FLUXA_API_KEYS, FLUXA_VISIBILITY_TIMEOUT_SECONDS, LOG_LEVEL, FLUXA_LOG_FORMAT and the limits
 * FLUXA_STACK, FLUXA_RESERVED_CONCURRENCY, FLUXA_MAXIMUM_CONCURRENCY, and retention FLUXA_RETENTION_DAYS, FLUXA_ARCHIVE
 * (see scripts/local-stack/settings.ts).
 */
import { banner } from "./local-stack/banner";
import { startLocalStack } from "./local-stack/local-stack";
import { throttleSummary } from "./local-stack/throttle-report";

async function main(): Promise<void> {
  const stack = await startLocalStack();
  const health = await fetch(`${stack.apiUrl}/health`);
  if (health.status !== 200) throw new Error(`GET /health answered ${health.status}`);
  console.log(banner(stack));
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining in-flight work and stopping...`);
    stack.stop().then(
      () => {
        const throttles = throttleSummary(stack.sizing, stack.functions);
        if (throttles) console.log(throttles);
        process.exit(0);
      },
      (error: unknown) => {
        console.error("stopping failed:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
