/**
 * Ingest's floor as a function: the SQS calls that enqueueing cannot avoid, without the handler's
 * own work. It receives the envelopes ingest would build (the queue entries of `sqsEventQueue`) and
 * sends one with SendMessage, or many with SendMessageBatch calls of 10 sent at once, as the batch
 * handler does; its SQS client is built as ingest builds its own.
 */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { maxEntriesPerBatchCall, type QueueEntry } from "../../../functions/adapters/sqs-event-queue";
import { sqsClientConfig } from "../../../functions/shared/aws-clients";
import { envNames } from "../../../functions/topology";

const sqs = new SQSClient(sqsClientConfig(process.env));
const queueUrl = process.env[envNames.queueUrl];

export async function handler({ entries }: { entries: readonly QueueEntry[] }): Promise<{ statusCode: number; body: string }> {
  if (entries.length === 1) {
    const [entry] = entries;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: entry.body, MessageAttributes: entry.attributes, MessageGroupId: entry.groupId }));
    return { statusCode: 202, body: "" };
  }
  const calls = [];
  for (let start = 0; start < entries.length; start += maxEntriesPerBatchCall) {
    const group = entries.slice(start, start + maxEntriesPerBatchCall).map((entry, index) => ({
      Id: String(index),
      MessageBody: entry.body,
      MessageAttributes: entry.attributes,
      MessageGroupId: entry.groupId,
    }));
    calls.push(sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: group })));
  }
  const answers = await Promise.all(calls);
  const failed = answers.reduce((sum, answer) => sum + (answer.Failed?.length ?? 0), 0);
  return { statusCode: failed === 0 ? 207 : 500, body: "" };
}
