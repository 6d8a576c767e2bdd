import type { FluxaConfig } from "../../stack-config/config";
import { eventQueue, visibilityTimeoutSeconds } from "../../functions/topology";
import { backoffCapSeconds, safetyNetReceiveCount, survivableOutageSeconds } from "../../functions/processor/retry-policy";

/** How a stack's queue rides out a dependency outage, as `preview:offline` prints it: the numbers the redrive policy and alarms are built from. */
export function retryReport(stack: string, config: FluxaConfig): string {
  const processorTimeout = config.functions[eventQueue.consumer].timeoutSeconds;
  const visibility = visibilityTimeoutSeconds(processorTimeout);
  const days = (survivableOutageSeconds(visibility) / 86_400).toFixed(1);
  return [
    `Retries of ${stack}: visibility timeout ${visibility} s (${eventQueue.visibilityTimeoutMultiplier} × the processor's ${processorTimeout} s)`,
    `  a message deferred because PostgreSQL, S3 or SNS failed comes back after ${visibility} s, doubling at each receive to at most ${backoffCapSeconds(visibility)} s`,
    `  maxReceiveCount ${safetyNetReceiveCount(visibility)} (the safety net): it waits out a ${days}-day outage before SQS dead-letters it`,
    `  a message that fails on its own (poison) is dead-lettered by the processor at its ${eventQueue.poisonReceives}rd failure`,
  ].join("\n");
}
