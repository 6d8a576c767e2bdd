import { setTimeout as sleep } from "node:timers/promises";
import type { EmbeddedPostgresServer } from "../local-stack/embedded-postgres";
import type { LambdaFunctions } from "../local-stack/local-stack";
import type { FaultProxy } from "./fault-proxy";

export type FaultKind = "postgres-restart" | "postgres-long-outage" | "processor-kill" | "s3-outage" | "sns-outage";

export interface Fault {
  readonly kind: FaultKind;
  /** Fires once this share (0..1) of the stream has been answered. */
  readonly at: number;
}

export interface FaultSettings {
  readonly postgresRestarts: number;
  readonly processorKills: number;
  readonly outageMs: number;
  /** A PostgreSQL outage this long (many visibility timeouts) in the middle of the stream; 0 for none. */
  readonly longOutageMs: number;
  /** Pause after each fault: longer than the visibility timeout, so a message failed by one fault is retried before the next. */
  readonly settleMs: number;
}

export interface FaultRecord {
  readonly kind: FaultKind;
  readonly at: number;
  /** What it did: in-flight invocations killed, or requests refused while the service was down. */
  readonly detail: string;
}

/** Spreads the faults over the stream, one at a time, never two at once: each is judged alone. */
export function faultPlan(settings: FaultSettings): Fault[] {
  const kinds: FaultKind[] = [
    ...Array<FaultKind>(settings.processorKills).fill("processor-kill"),
    ...Array<FaultKind>(settings.postgresRestarts).fill("postgres-restart"),
    "s3-outage",
    "sns-outage",
  ];
  // Interleave the kinds: kill, restart, kill, restart, ..., then the outages.
  const kills = kinds.filter((k) => k === "processor-kill");
  const restarts = kinds.filter((k) => k === "postgres-restart");
  const ordered: FaultKind[] = [];
  while (kills.length > 0 || restarts.length > 0) {
    const kill = kills.shift();
    if (kill) ordered.push(kill);
    const restart = restarts.shift();
    if (restart) ordered.push(restart);
  }
  ordered.splice(Math.ceil(ordered.length / 2), 0, "s3-outage");
  if (settings.longOutageMs > 0) ordered.splice(Math.ceil(ordered.length / 2), 0, "postgres-long-outage");
  ordered.push("sns-outage");
  return ordered.map((kind, index) => ({ kind, at: (index + 1) / (ordered.length + 1) }));
}

export interface FaultTargets {
  readonly postgres: EmbeddedPostgresServer;
  readonly functions: LambdaFunctions;
  readonly proxy: FaultProxy;
  /** Runs while the long outage lasts (the poisoned batch is sent then); awaited after it. */
  readonly duringLongOutage?: () => Promise<void>;
}

/** How long a fault keeps its target down. */
export function faultDurationMs(kind: FaultKind, settings: FaultSettings): number {
  if (kind === "processor-kill") return 0;
  return kind === "postgres-long-outage" ? settings.longOutageMs : settings.outageMs;
}

/**
 * Runs the plan against the stack as the stream progresses. `progress()` is the answered share;
 * `streamDone()` lets the remaining faults fire at once. Every wait is bounded.
 */
export async function runFaults(
  plan: readonly Fault[],
  targets: FaultTargets,
  settings: FaultSettings,
  progress: () => number,
  streamDone: () => boolean,
  say: (message: string) => void,
): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const fault of plan) {
    while (progress() < fault.at && !streamDone()) await sleep(20);
    const detail = await inject(fault.kind, targets, settings);
    records.push({ kind: fault.kind, at: fault.at, detail });
    say(`  fault at ${Math.round(progress() * 100)}% of the stream: ${fault.kind} (${detail})`);
    // Let the stack settle before the next fault, so no message is hit by two faults in a row.
    await sleep(settings.settleMs);
  }
  return records;
}

async function inject(kind: FaultKind, targets: FaultTargets, settings: FaultSettings): Promise<string> {
  switch (kind) {
    case "processor-kill":
      return `${await killMidBatch(targets.functions)} in-flight invocation(s) killed`;
    case "postgres-restart":
      await targets.postgres.stop();
      await sleep(settings.outageMs);
      await targets.postgres.start();
      return `PostgreSQL down for ${settings.outageMs} ms`;
    case "postgres-long-outage": {
      await targets.postgres.stop();
      const restarted = sleep(settings.longOutageMs).then(() => targets.postgres.start());
      await Promise.all([restarted, targets.duringLongOutage?.()]);
      return `PostgreSQL down for ${settings.longOutageMs} ms`;
    }
    case "s3-outage": {
      const before = targets.proxy.refused.s3;
      await targets.proxy.outage("s3", settings.outageMs);
      return `${targets.proxy.refused.s3 - before} S3 request(s) refused in ${settings.outageMs} ms`;
    }
    case "sns-outage": {
      const before = targets.proxy.refused.sns;
      await targets.proxy.outage("sns", settings.outageMs);
      return `${targets.proxy.refused.sns - before} SNS request(s) refused in ${settings.outageMs} ms`;
    }
  }
}

/** Terminates the processor's workers while at least one is inside an invocation (bounded tries). */
async function killMidBatch(functions: LambdaFunctions): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const killed = await functions.kill("processor");
    if (killed > 0) return killed;
    await sleep(10);
  }
  return 0;
}
