import { appendFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** What a chaos run watches: the processor's failure lines and the queue's depth. */

export interface LogEntry {
  readonly msg?: string;
  readonly failure?: string;
  readonly event_id?: string;
  readonly receive_count?: number;
  readonly permanent_failures?: number;
  readonly action?: string;
  readonly retry_in_seconds?: number;
  readonly [field: string]: unknown;
}

/** Keeps only the processor's failure lines: a 20,000-event run writes too many success lines to hold. */
export function failureLog(): { entries: LogEntry[]; onLine: (name: string, line: string) => void } {
  const entries: LogEntry[] = [];
  return {
    entries,
    onLine: (name, line) => {
      if (name !== "processor" || !line.startsWith("{") || !/not processed|batch failed/.test(line)) return;
      entries.push(JSON.parse(line) as LogEntry);
      if (process.env.CHAOS_FAILURE_LOG) appendFileSync(process.env.CHAOS_FAILURE_LOG, `${line}\n`);
    },
  };
}

export async function waitForDrain(sqs: SQSClient, queueUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await queueDepth(sqs, queueUrl)) === 0) return;
    await sleep(250);
  }
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}
