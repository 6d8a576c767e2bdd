import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import { setTimeout as sleep } from "node:timers/promises";
import type { LambdaFunctions } from "./lambda-runtime";
import { receiptHandlesToDelete, sqsEvent } from "./sqs-event";

export interface SqsEventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly functionName: string;
  readonly functions: Pick<LambdaFunctions, "invoke">;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  /**
   * The mapping's maximum concurrency (scalingConfig.maximumConcurrency): pollers working in
   * parallel, each with at most one batch in flight, so never more concurrent invocations.
   */
  readonly maximumConcurrency: number;
  /** Called with errors of the polling itself (not of the function), which are retried. */
  readonly onPollError?: (error: unknown) => void;
}

export interface SqsEventSource {
  /** Stops receiving, lets in-flight batches finish (including their deletes), then resolves. */
  stop(): Promise<void>;
}

const maxMessagesPerReceive = 10;
const longPollSeconds = 20;

/** Lambda's SQS event source mapping with ReportBatchItemFailures. */
export function startSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const stopping = new AbortController();
  const pollers = Array.from({ length: options.maximumConcurrency }, () => poll(options, stopping.signal));
  return {
    stop: async () => {
      stopping.abort();
      await Promise.all(pollers);
    },
  };
}

async function poll(options: SqsEventSourceOptions, stopping: AbortSignal): Promise<void> {
  while (!stopping.aborted) {
    try {
      const messages = await receiveBatch(options, stopping);
      if (messages.length > 0) await deliver(options, messages);
    } catch (error) {
      if (stopping.aborted) return;
      options.onPollError?.(error);
      await sleep(1000, undefined, { signal: stopping }).catch(() => undefined);
    }
  }
}

/**
 * Long-polls until at least one message arrives, then keeps receiving until the batch is full
 * or the batching window, counted from the first message, has passed. Stopping cuts the window
 * short: what was received is still delivered.
 */
async function receiveBatch(options: SqsEventSourceOptions, stopping: AbortSignal): Promise<Message[]> {
  const batch: Message[] = [];
  let windowEnd = Number.POSITIVE_INFINITY;
  while (batch.length < options.batchSize && !stopping.aborted) {
    const remainingMs = windowEnd - Date.now();
    if (remainingMs <= 0) break;
    const waitSeconds = batch.length === 0 ? longPollSeconds : Math.floor(remainingMs / 1000);
    const received = await receive(options, Math.min(maxMessagesPerReceive, options.batchSize - batch.length), waitSeconds, stopping);
    if (received === undefined) break;
    if (batch.length === 0 && received.length > 0) windowEnd = Date.now() + options.maximumBatchingWindowSeconds * 1000;
    batch.push(...received);
    if (received.length === 0 && waitSeconds === 0) await sleep(Math.min(remainingMs, 50));
  }
  return batch;
}

/** Undefined when stopping aborted the receive. */
async function receive(options: SqsEventSourceOptions, max: number, waitSeconds: number, stopping: AbortSignal): Promise<Message[] | undefined> {
  try {
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
      { abortSignal: stopping },
    );
    return Messages;
  } catch (error) {
    if (stopping.aborted) return undefined;
    throw error;
  }
}

/** An invocation error deletes nothing: the messages come back after the visibility timeout. */
async function deliver(options: SqsEventSourceOptions, messages: Message[]): Promise<void> {
  const event = sqsEvent(messages, options.queueArn, options.region);
  let response: unknown;
  try {
    response = await options.functions.invoke(options.functionName, event);
  } catch {
    return;
  }
  const handles = receiptHandlesToDelete(event, response);
  for (let start = 0; start < handles.length; start += maxMessagesPerReceive) {
    const entries = handles.slice(start, start + maxMessagesPerReceive).map((ReceiptHandle, index) => ({ Id: String(index), ReceiptHandle }));
    const { Failed = [] } = await options.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: entries }));
    // A stale receipt handle (the message became visible and was received again) cannot delete it.
    if (Failed.length > 0) options.onPollError?.(new Error(`DeleteMessageBatch failed for ${Failed.length} message(s): ${Failed[0].Message ?? Failed[0].Code}`));
  }
}
