import { SendMessageBatchCommand, SendMessageCommand, type MessageAttributeValue, type SQSClient } from "@aws-sdk/client-sqs";
import type { BatchSendFailure, EventQueue } from "../shared/ports";
import { queueMessageAttributes, sourceOfMessage, type QueueMessage } from "../shared/queue-message";

// AWS: one SendMessageBatch call carries at most 10 entries, and at most 256 KiB counting every
// entry's body and message attributes (names, data types and values).
export const maxEntriesPerBatchCall = 10;
export const maxBytesPerBatchCall = 262_144;

export interface QueueEntry {
  readonly body: string;
  readonly attributes: Record<string, MessageAttributeValue>;
  /**
   * AWS: on a standard queue a MessageGroupId makes SQS a fair queue, with the group as the tenant:
   * a source that floods the queue is deprioritised so the others' messages keep a short dwell time.
   */
  readonly groupId: string;
}

/** What SQS is sent for one message: ingest's envelope. */
export function queueEntryOf(message: QueueMessage): QueueEntry {
  return {
    body: JSON.stringify(message),
    attributes: queueMessageAttributes(message),
    groupId: sourceOfMessage(message),
  };
}

export function entryBytes(entry: QueueEntry): number {
  let bytes = Buffer.byteLength(entry.body);
  for (const [name, value] of Object.entries(entry.attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? "") + Buffer.byteLength(value.StringValue ?? "");
  }
  return bytes;
}

/** Consecutive groups of positions, each within both SendMessageBatch limits (an entry too big for any group goes alone). */
export function batchCallGroups(sizes: readonly number[]): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  sizes.forEach((size, index) => {
    if (current.length === maxEntriesPerBatchCall || (current.length > 0 && currentBytes + size > maxBytesPerBatchCall)) {
      groups.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(index);
    currentBytes += size;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

export function sqsEventQueue(client: SQSClient, queueUrl: string): EventQueue {
  return {
    async send(message: QueueMessage) {
      const entry = queueEntryOf(message);
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: entry.body, MessageAttributes: entry.attributes, MessageGroupId: entry.groupId }));
    },

    async sendBatch(messages) {
      const entries = messages.map(queueEntryOf);
      const groups = batchCallGroups(entries.map(entryBytes));
      const failures = await Promise.all(groups.map((group) => sendGroup(client, queueUrl, entries, group)));
      return failures.flat().sort((a, b) => a.index - b.index);
    },
  };
}

/** One SendMessageBatch call; entry ids are positions, so SQS's per-entry answers map back to messages. */
async function sendGroup(client: SQSClient, queueUrl: string, entries: readonly QueueEntry[], group: readonly number[]): Promise<BatchSendFailure[]> {
  try {
    const result = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: group.map((index) => ({
          Id: String(index),
          MessageBody: entries[index].body,
          MessageAttributes: entries[index].attributes,
          MessageGroupId: entries[index].groupId,
        })),
      }),
    );
    const sent = new Set((result.Successful ?? []).map((s) => Number(s.Id)));
    const reasons = new Map((result.Failed ?? []).map((f) => [Number(f.Id), `${f.Code ?? "error"}: ${f.Message ?? ""}`]));
    // An entry SQS named neither successful nor failed was not confirmed, so it is not claimed as sent.
    return group.filter((index) => !sent.has(index)).map((index) => ({ index, reason: reasons.get(index) ?? "not confirmed by SQS" }));
  } catch (error) {
    return group.map((index) => ({ index, reason: String(error) }));
  }
}
