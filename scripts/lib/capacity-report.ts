import type { StackCapacity } from "../bench/capacity";
import { round } from "../bench/measure";

/** A stack's capacity as `preview:offline` prints it: each bound with how it is made, the binding one named, and the database figure's assumptions. */
export function capacityReport(capacity: StackCapacity, source: string): string {
  const c = capacity;
  const db = c.database;
  return [
    `Capacity of ${c.stack} (${source}): ${Math.round(c.eventsPerSecond)} events/s, limited by the ${c.limitedBy}`,
    `  one processor environment at batch ${c.batchSize}: ${Math.round(c.localEventsPerSecondPerEnvironment)} events/s measured locally, ` +
      `${Math.round(c.eventsPerSecondPerEnvironment)} on Lambda at ${c.processorMemoryMb} MB (${round(c.vcpuShare, 2)} vCPU; 1,769 MB is one vCPU, all handler time taken as CPU)`,
    ...c.limits.map((limit) => `  ${limit.name === c.limitedBy ? "*" : " "} ${limit.name}: ${Math.round(limit.eventsPerSecond)} events/s (${limit.because})`),
    db
      ? `  database ${db.instanceClass} (${db.vcpus} vCPU, ${db.memoryGib} GiB${db.multiAz ? ", Multi-AZ" : ""}): CPU ${Math.round(db.cpuBoundEventsPerSecond)}` +
        `${db.baselineEventsPerSecond === undefined ? "" : ` (${Math.round(db.baselineEventsPerSecond)} within the burstable baseline)`}, ` +
        `IOPS ${Math.round(db.iopsBoundEventsPerSecond)}, throughput ${Math.round(db.throughputBoundEventsPerSecond)} events/s; assuming:\n${db.assumptions.map((a) => `      - ${a}`).join("\n")}`
      : "  database: not measured in these results (npm run bench -- --only db-ceiling shows it; a full run records it)",
  ].join("\n");
}
