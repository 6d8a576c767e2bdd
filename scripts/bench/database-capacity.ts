/**
 * The shared database's ceiling: where the bench's 1, 2, 4, 8 processor environments against one
 * PostgreSQL stop gaining, and how the measured PostgreSQL CPU time per event carries to a stack's
 * RDS instance class. Pure arithmetic; db-ceiling.ts measures.
 */
import { instanceClassMemoryBytes, instanceClassSizeMultiplier } from "../../stack-config/connection-budget";
import type { FluxaConfig } from "../../stack-config/config";
import type { LatencySummary } from "./measure";

export interface CeilingStep {
  readonly environments: number;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Invocation time of each batch, as the invoking side sees it. */
  readonly batch: LatencySummary;
  /** CPU time of PostgreSQL's processes during the step; null where /proc cannot be read. */
  readonly postgresCpuSeconds: number | null;
  readonly eventsPerPostgresCpuSecond: number | null;
  readonly walBytesPerEvent: number;
}

export interface CeilingBend {
  /** The last step whose doubling still added at least `bendGain`; null when every doubling did. */
  readonly bendsAfterEnvironments: number | null;
  readonly ceilingEventsPerSecond: number;
  /** At the step of the ceiling: the figure that carries to an instance class. */
  readonly eventsPerPostgresCpuSecond: number | null;
  readonly walBytesPerEvent: number;
}

export interface DatabaseCeiling extends CeilingBend {
  readonly batchSize: number;
  readonly stepSeconds: number;
  readonly steps: readonly CeilingStep[];
}

/** A doubling of environments that adds less than this share of events/s is past the bend. */
export const bendGain = 0.2;

/** Where the curve bends: the first step after which doubling the environments adds less than 20 % events/s. */
export function bendOf(steps: readonly CeilingStep[]): CeilingBend {
  if (steps.length === 0) throw new Error("no ceiling steps");
  const flattening = steps.findIndex((step, index) => index + 1 < steps.length && steps[index + 1].eventsPerSecond < step.eventsPerSecond * (1 + bendGain));
  const top = steps.reduce((best, step) => (step.eventsPerSecond > best.eventsPerSecond ? step : best));
  return {
    bendsAfterEnvironments: flattening < 0 ? null : steps[flattening].environments,
    ceilingEventsPerSecond: top.eventsPerSecond,
    eventsPerPostgresCpuSecond: top.eventsPerPostgresCpuSecond,
    walBytesPerEvent: top.walBytesPerEvent,
  };
}

export interface InstanceClassSpec {
  readonly vcpus: number;
  readonly memoryGib: number;
  /** Burstable classes: the CPU share per vCPU earned as credits (EC2's T4g baselines); undefined for fixed-performance classes. */
  readonly baselineCpuShare?: number;
}

/** T4g's baseline CPU per vCPU by size (EC2's T4g table, which RDS's db.t4g follows); every size has 2 vCPUs up to large. */
const burstable: Readonly<Record<string, { vcpus: number; baseline: number }>> = {
  micro: { vcpus: 2, baseline: 0.1 },
  small: { vcpus: 2, baseline: 0.2 },
  medium: { vcpus: 2, baseline: 0.2 },
  large: { vcpus: 2, baseline: 0.3 },
  xlarge: { vcpus: 4, baseline: 0.4 },
  "2xlarge": { vcpus: 8, baseline: 0.4 },
};

/** vCPUs and memory of an RDS class of the t, m and r families; undefined for a class Fluxa does not know. */
export function instanceClassSpec(instanceClass: string): InstanceClassSpec | undefined {
  const memory = instanceClassMemoryBytes(instanceClass);
  const size = instanceClass.split(".")[2];
  if (memory === undefined) return undefined;
  const memoryGib = memory / 1024 ** 3;
  if (instanceClass.startsWith("db.t")) return { vcpus: burstable[size].vcpus, memoryGib, baselineCpuShare: burstable[size].baseline };
  // m and r: a large has 2 vCPUs, and each size up doubles them as it doubles the memory.
  return { vcpus: 2 * (instanceClassSizeMultiplier(size) ?? 1), memoryGib };
}

/** AWS: RDS gp3 below 400 GiB has a baseline of 3,000 IOPS and 125 MiB/s; from 400 GiB (PostgreSQL) 12,000 IOPS and 500 MiB/s. */
export function gp3Baseline(allocatedStorageGb: number): { iops: number; mibPerSecond: number } {
  return allocatedStorageGb >= 400 ? { iops: 12_000, mibPerSecond: 500 } : { iops: 3_000, mibPerSecond: 125 };
}

/**
 * Synchronous commits per processor batch: the INSERT's. The outbox mark commits asynchronously
 * (migrations/007), so it waits for neither the disk nor a Multi-AZ standby.
 */
export const synchronousCommitsPerBatch = 1;
/**
 * Assumption, not measured and not published by AWS: what a Multi-AZ instance's synchronous write to
 * its standby in another AZ adds to each synchronous commit.
 */
export const multiAzCommitMs = 2;

export interface DatabaseFigure {
  readonly instanceClass: string;
  readonly vcpus: number;
  readonly memoryGib: number;
  readonly multiAz: boolean;
  /** vCPUs × events per PostgreSQL CPU-second measured at the ceiling. */
  readonly cpuBoundEventsPerSecond: number;
  /** Burstable classes: the same within the CPU credits earned (baseline share × vCPUs); above it T4g's unlimited mode bills surplus credits. */
  readonly baselineEventsPerSecond?: number;
  readonly iops: number;
  /** One write I/O per synchronous commit (group commit merges some; checkpoints add others): IOPS × batch size / commits per batch. */
  readonly iopsBoundEventsPerSecond: number;
  /** The storage's MiB/s over the measured WAL bytes per event, doubled for the data pages written after it. */
  readonly throughputBoundEventsPerSecond: number;
  readonly eventsPerSecond: number;
  readonly boundBy: "CPU" | "IOPS" | "throughput";
  /** Each assumption carrying the local figure to the class, written next to it. */
  readonly assumptions: readonly string[];
}

/** What the database figure reads of a stack's config. */
export type DatabaseSizingConfig = Pick<FluxaConfig, "database" | "queue">;

/**
 * The stack's database ceiling in events/s at its batch size: the measured PostgreSQL CPU per event
 * carried to the class's vCPUs, unless its storage's IOPS allow fewer synchronous commits or its
 * throughput fewer WAL bytes.
 * Undefined when the run could not read PostgreSQL's CPU time or the class is unknown.
 */
export function databaseFigure(config: DatabaseSizingConfig, ceiling: CeilingBend & { readonly batchSize: number }): DatabaseFigure | undefined {
  const instanceClass = config.database.instanceClass;
  const spec = instanceClassSpec(instanceClass);
  if (!spec || ceiling.eventsPerPostgresCpuSecond === null) return undefined;
  const cpuBound = spec.vcpus * ceiling.eventsPerPostgresCpuSecond;
  const { iops, mibPerSecond } = gp3Baseline(config.database.allocatedStorageGb);
  const iopsBound = (iops * config.queue.batchSize) / synchronousCommitsPerBatch;
  const throughputBound = (mibPerSecond * 1024 ** 2) / (2 * ceiling.walBytesPerEvent);
  const assumptions = [
    `${ceiling.eventsPerPostgresCpuSecond} events per PostgreSQL CPU-second measured at batch ${ceiling.batchSize}; one ${instanceClass} vCPU taken to do the work of one core of the bench's machine, all ${spec.vcpus} busy with Fluxa's writes`,
    `gp3 at ${config.database.allocatedStorageGb} GB: ${iops} IOPS and ${mibPerSecond} MiB/s baseline, one write I/O per synchronous commit (${synchronousCommitsPerBatch} per batch of ${config.queue.batchSize}), ` +
      `and the ${ceiling.walBytesPerEvent} WAL bytes measured per event written twice (WAL, then the data pages)`,
    `memory (${spec.memoryGib} GiB) not a bound: the write path inserts and touches only the newest index pages; it sets max_connections (connection budget)`,
  ];
  if (spec.baselineCpuShare !== undefined) {
    assumptions.push(`burstable: ${spec.baselineCpuShare * 100} % of each vCPU is earned as credits; unlimited mode (RDS's default for T4g) runs above it and bills the surplus`);
  }
  if (config.database.multiAz) {
    assumptions.push(`Multi-AZ: the synchronous standby write adds latency to each synchronous commit (assumed ${multiAzCommitMs} ms, charged to the processors' batch time), not primary CPU`);
  }
  return {
    instanceClass,
    vcpus: spec.vcpus,
    memoryGib: spec.memoryGib,
    multiAz: config.database.multiAz,
    cpuBoundEventsPerSecond: cpuBound,
    ...(spec.baselineCpuShare === undefined ? {} : { baselineEventsPerSecond: cpuBound * spec.baselineCpuShare }),
    iops,
    iopsBoundEventsPerSecond: iopsBound,
    throughputBoundEventsPerSecond: throughputBound,
    eventsPerSecond: Math.min(cpuBound, iopsBound, throughputBound),
    boundBy: cpuBound <= Math.min(iopsBound, throughputBound) ? "CPU" : iopsBound <= throughputBound ? "IOPS" : "throughput",
    assumptions,
  };
}
