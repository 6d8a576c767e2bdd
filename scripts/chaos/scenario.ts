import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { S3Client } from "@aws-sdk/client-s3";
import { startAwsEmulator } from "../local-stack/aws-emulator";
import { localCredentials } from "../local-stack/aws-resources";
import { startEmbeddedPostgres } from "../local-stack/embedded-postgres";
import { startLocalStack } from "../local-stack/local-stack";
import { ingestStream } from "./client";
import { startFaultProxy } from "./fault-proxy";
import { backoffCapSeconds } from "../../functions/processor/retry-policy";
import { faultDurationMs, faultPlan, runFaults, type FaultRecord, type FaultSettings } from "./faults";
import { failureLog, waitForDrain } from "./observe";
import { injectPoison, type PoisonOutcome } from "./poison";
import { verifyRun, type Verification } from "./verify";

export interface ChaosOptions extends FaultSettings {
  readonly events: number;
  readonly concurrency: number;
  readonly visibilityTimeoutSeconds: number;
  /** Give up waiting for the queue to drain after this long (then the report shows what is missing). */
  readonly drainTimeoutMs: number;
  readonly say: (message: string) => void;
}

export interface ChaosReport {
  readonly runId: string;
  readonly events: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly clientGaveUp: number;
  readonly clientRetries: number;
  readonly faults: FaultRecord[];
  readonly batchesFailedWhole: number;
  /** Messages deferred because a dependency was down, and the longest deferral the processor asked for. */
  readonly deferrals: number;
  readonly longestDeferralSeconds: number;
  /** The backoff cap for this run's visibility timeout: a long outage must reach it. */
  readonly backoffCapSeconds: number;
  readonly poison: PoisonOutcome;
  readonly verification: Verification;
  readonly seconds: number;
}

/** A report is green when nothing was lost, duplicated or left behind, and the poison went where it must. */
export function failuresOf(report: ChaosReport): string[] {
  const v = report.verification;
  const problems: string[] = [];
  if (v.lost > 0) problems.push(`${v.lost} accepted event(s) lost`);
  if (v.duplicated > 0) problems.push(`${v.duplicated} duplicate row(s)`);
  if (v.rejectedStored > 0) problems.push(`${v.rejectedStored} rejected event(s) stored`);
  if (v.dlqDepth > 0) problems.push(`${v.dlqDepth} message(s) left in the DLQ`);
  if (v.queueDepth > 0) problems.push(`${v.queueDepth} message(s) left in the queue`);
  if (v.missingOnSns > 0) problems.push(`${v.missingOnSns} stored event(s) never seen on SNS`);
  if (report.clientGaveUp > 0) problems.push(`${report.clientGaveUp} event(s) the client could not get accepted`);
  const expectedKinds = report.faults.filter((f) => f.kind === "processor-kill" && f.detail.startsWith("0 "));
  if (expectedKinds.length > 0) problems.push(`${expectedKinds.length} processor kill(s) found no batch in flight`);
  if (report.faults.some((f) => f.kind === "postgres-long-outage") && report.longestDeferralSeconds !== report.backoffCapSeconds) {
    problems.push(`the long outage's deferrals reached ${report.longestDeferralSeconds} s, not the backoff cap of ${report.backoffCapSeconds} s`);
  }
  problems.push(...report.poison.problems);
  return problems;
}

/**
 * One chaos run on a fresh local stack: embedded PostgreSQL and the emulator started here (so they
 * can be stopped and faulted), the functions' AWS traffic through the fault proxy.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const runId = `chaos-${randomBytes(4).toString("hex")}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), "fluxa-chaos-"));
  chmodSync(dataDir, 0o755);
  const stoppers: Array<() => Promise<void>> = [];
  try {
    const postgres = await startEmbeddedPostgres(dataDir);
    stoppers.push(() => postgres.stop());
    const emulator = await startAwsEmulator("us-east-1");
    stoppers.push(() => emulator.stop());
    const proxy = await startFaultProxy(emulator.endpointUrl);
    stoppers.push(() => proxy.stop());
    const logs = failureLog();
    const apiKey = `chaos-key-${runId}`;
    const stack = await startLocalStack({
      port: 0,
      dataDir,
      quiet: true,
      apiKeys: [apiKey],
      databaseUrl: postgres.databaseUrl,
      awsEndpointUrl: emulator.endpointUrl,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
      // The stack's own poller talks to the emulator; the functions go through the fault proxy.
      functionEnvironment: {
        ingest: { AWS_ENDPOINT_URL: proxy.url, LARGE_PAYLOAD_THRESHOLD_BYTES: "1024" },
        processor: { AWS_ENDPOINT_URL: proxy.url },
      },
      onFunctionLog: logs.onLine,
    });
    stoppers.push(() => stack.stop());
    const config = { endpoint: emulator.endpointUrl, region: stack.region, credentials: localCredentials };
    const sqs = new SQSClient(config);
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    stoppers.push(() => Promise.resolve(sqs.destroy()));
    stoppers.push(() => Promise.resolve(s3.destroy()));

    options.say(`run ${runId}: ${options.events} events, concurrency ${options.concurrency}`);
    let answered = 0;
    let streamDone = false;
    const plan = faultPlan(options);
    // Pace the client so that the stream outlasts the faults: each fault then meets live traffic.
    const planMs = plan.reduce((sum, fault) => sum + faultDurationMs(fault.kind, options) + options.settleMs, options.outageMs + options.settleMs);
    const ratePerSecond = options.events / (planMs / 1000);
    const poisonTargets = { sqs, s3, queueUrl: stack.queueUrl, dlqUrl: stack.dlqUrl, bucket: stack.bucket, runId, logs: logs.entries, timeoutMs: 20 * options.visibilityTimeoutSeconds * 1000 };
    // With a long outage, the poisoned batch is sent while PostgreSQL is down: poison must still be
    // dead-lettered at its third receive, and its batch-mates stored once the database is back.
    let poisonedDuringOutage: PoisonOutcome | undefined;
    const duringLongOutage = async () => {
      poisonedDuringOutage = await injectPoison(poisonTargets);
    };
    const targets = { postgres, functions: stack.functions, proxy, duringLongOutage };
    const faultsRun = runFaults(plan, targets, options, () => answered / options.events, () => streamDone, options.say);
    const stream = await ingestStream(
      { apiUrl: stack.apiUrl, apiKey, runId, events: options.events, concurrency: options.concurrency, largeEvery: 20, invalidEvery: 50, maxAttempts: 30, ratePerSecond },
      (done) => {
        answered = done;
        if (done % Math.max(1, Math.floor(options.events / 10)) === 0) options.say(`  ${done} / ${options.events} answered`);
      },
    ).finally(() => {
      streamDone = true;
    });
    const faults = await faultsRun;
    options.say(`  stream answered: ${stream.accepted.size} accepted, ${stream.rejected.length} rejected, ${stream.failed.length} gave up, ${stream.retries} retries`);

    const poison = poisonedDuringOutage ?? (await injectPoison(poisonTargets));
    options.say(`  poison: ${poison.deadLettered.length} dead-lettered, receives ${JSON.stringify(poison.receiveCounts)}`);

    await waitForDrain(sqs, stack.queueUrl, options.drainTimeoutMs);
    const verification = await verifyRun({
      databaseUrl: postgres.databaseUrl,
      sqs,
      queueUrl: stack.queueUrl,
      dlqUrl: stack.dlqUrl,
      snsTapQueueUrl: stack.snsTapQueueUrl,
      runId,
      accepted: stream.accepted,
      rejected: stream.rejected,
      extraExpected: poison.mateEventIds,
    });
    return {
      runId,
      events: options.events,
      accepted: stream.accepted.size,
      rejected: stream.rejected.length,
      clientGaveUp: stream.failed.length,
      clientRetries: stream.retries,
      faults,
      batchesFailedWhole: logs.entries.filter((l) => l.msg === "batch failed; every message will be redelivered").length,
      deferrals: logs.entries.filter((l) => l.action === "defer").length,
      longestDeferralSeconds: Math.max(0, ...logs.entries.map((l) => Number(l.retry_in_seconds ?? 0))),
      backoffCapSeconds: backoffCapSeconds(options.visibilityTimeoutSeconds),
      poison,
      verification,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
