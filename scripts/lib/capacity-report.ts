import type { StackCapacity } from "../bench/capacity";
import { round } from "../bench/measure";

/** A stack's capacity as `preview:offline` prints it: the measured rate, the assumption carrying it to Lambda, and the bounds. */
export function capacityReport(capacity: StackCapacity, source: string): string {
  const c = capacity;
  return [
    `Capacity of ${c.stack} (${source}): ${Math.round(c.eventsPerSecond)} events/s, limited by the ${c.limitedBy}`,
    `  one processor environment at batch ${c.batchSize}: ${Math.round(c.localEventsPerSecondPerEnvironment)} events/s measured locally, ` +
      `${Math.round(c.eventsPerSecondPerEnvironment)} on Lambda at ${c.processorMemoryMb} MB (${round(c.vcpuShare, 2)} vCPU; 1,769 MB is one vCPU, all handler time taken as CPU)`,
    `  × ${c.concurrency} environments (processorMaximumConcurrency; their pools hold ${c.processorConnections} of the ${c.functionConnectionSupply} connections the budget gives the functions) = ${Math.round(c.processorEventsPerSecond)} events/s`,
    `  API throttle ${c.apiRequestsPerSecond} requests/s: ${c.apiRequestsPerSecond} single-event POSTs, or ${c.apiBatchEventsPerSecond} events/s as full batch POSTs`,
  ].join("\n");
}
