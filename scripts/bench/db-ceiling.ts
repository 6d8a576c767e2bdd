import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { SQSBatchResponse } from "aws-lambda";
import type { Client } from "pg";
import type { LocalStack } from "../local-stack/local-stack";
import { bendOf, type CeilingStep, type DatabaseCeiling } from "./database-capacity";
import { emptyEventTables, sqsBatch } from "./fixtures";
import { progress, round, summariseLatencies } from "./measure";

/** Processor environments at once, doubling; the bench's stack runs up to 8 of them (its unreserved pool). */
export const ceilingSteps = [1, 2, 4, 8] as const;
const stepSeconds = 3;

/**
 * The shared database under 1, 2, 4 and 8 processor environments at once: each environment (a worker
 * thread with its own pool, as each Lambda environment opens its own) invokes batches back to back
 * for a few seconds, against the one embedded PostgreSQL. Per step: events/s, batch time as the
 * invoker sees it, and the CPU time PostgreSQL's processes spent, which is what carries to RDS.
 */
export async function measureDatabaseCeiling(stack: LocalStack, db: Client, batchSize: number): Promise<DatabaseCeiling> {
  const postmaster = await postmasterPid(db);
  const steps: CeilingStep[] = [];
  for (const environments of ceilingSteps) {
    await emptyEventTables(db);
    // One unmeasured batch per environment first: starting a worker and opening its pool is not the database's work.
    await Promise.all(Array.from({ length: environments }, () => invokeBatch(stack, batchSize)));
    const bar = progress(`database ceiling, batch ${batchSize}, ${environments} environment${environments > 1 ? "s" : ""}`);
    const batchMs: number[] = [];
    const cpuBefore = postmaster === undefined ? undefined : postgresCpuSeconds(postmaster);
    const walBefore = await walPosition(db);
    const started = performance.now();
    const deadline = started + stepSeconds * 1000;
    const loop = async () => {
      while (performance.now() < deadline) {
        const batchStarted = performance.now();
        await invokeBatch(stack, batchSize);
        batchMs.push(performance.now() - batchStarted);
        bar.update(Math.min(stepSeconds * 1000, performance.now() - started), stepSeconds * 1000);
      }
    };
    await Promise.all(Array.from({ length: environments }, loop));
    const seconds = (performance.now() - started) / 1000;
    const events = batchMs.length * batchSize;
    const cpuSeconds = cpuBefore === undefined || postmaster === undefined ? undefined : postgresCpuSeconds(postmaster) - cpuBefore;
    const walBytes = (await walPosition(db)) - walBefore;
    const step: CeilingStep = {
      environments,
      events,
      seconds: round(seconds, 3),
      eventsPerSecond: Math.round(events / seconds),
      batch: summariseLatencies(batchMs),
      postgresCpuSeconds: cpuSeconds === undefined ? null : round(cpuSeconds, 3),
      eventsPerPostgresCpuSecond: cpuSeconds === undefined || cpuSeconds <= 0 ? null : Math.round(events / cpuSeconds),
      walBytesPerEvent: Math.round(walBytes / events),
    };
    steps.push(step);
    bar.done(`${step.eventsPerSecond} events/s, p95 batch ${step.batch.p95Ms} ms, PostgreSQL ${step.eventsPerPostgresCpuSecond ?? "?"} events per CPU-second`);
  }
  return { batchSize, stepSeconds, steps, ...bendOf(steps) };
}

async function invokeBatch(stack: LocalStack, batchSize: number): Promise<void> {
  const response = (await stack.functions.invoke("processor", sqsBatch(batchSize, `bench-ceiling-${randomUUID()}`).event)) as SQSBatchResponse;
  if (response.batchItemFailures.length > 0) throw new Error(`processor failed ${response.batchItemFailures.length} of ${batchSize} records`);
}

async function walPosition(db: Client): Promise<number> {
  const { rows } = await db.query<{ bytes: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS bytes");
  return Number(rows[0].bytes);
}

/** PostgreSQL's main process, from its data directory's postmaster.pid; undefined where /proc cannot be read. */
async function postmasterPid(db: Client): Promise<number | undefined> {
  if (!existsSync("/proc/self/stat")) return undefined;
  const { rows } = await db.query<{ data_directory: string }>("SHOW data_directory");
  const pidFile = path.join(rows[0].data_directory, "postmaster.pid");
  return existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").split("\n")[0]) : undefined;
}

const clockTicksPerSecond = Number(existsSync("/proc/self/stat") ? execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim() : "100");

/** /proc/<pid>/stat's fields after the command name: state is field 3, utime 14, stime 15, cutime 16, cstime 17. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of the postmaster and its children (backends, WAL writer, checkpointer…): the live
 * ones' own time, plus what the postmaster has collected of the backends that have exited.
 */
function postgresCpuSeconds(postmaster: number): number {
  const ticks = (fields: string[], from: number, to: number) => fields.slice(from - 3, to - 2).reduce((sum, field) => sum + Number(field), 0);
  let total = 0;
  const own = statFields(postmaster);
  if (own) total += ticks(own, 14, 17);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === postmaster) continue;
    const fields = statFields(entry);
    // Field 4 is the parent's pid.
    if (fields && Number(fields[1]) === postmaster) total += ticks(fields, 14, 15);
  }
  return total / clockTicksPerSecond;
}
