import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { sqsClientConfig } from "../shared/aws-clients";
import type { ReceivedMessage, RetryQueue } from "../shared/ports";
import { messageAttributeNames } from "../shared/queue-message";

// AWS: ChangeMessageVisibilityBatch takes at most 10 entries per call.
const maxEntriesPerCall = 10;

function attributesOf(message: ReceivedMessage, replaced: Readonly<Record<string, string>>) {
  const all = { ...message.attributes, ...replaced };
  return Object.fromEntries(Object.entries(all).map(([name, value]) => [name, { DataType: "String", StringValue: value }]));
}

/** The processor's retry queue with its own client: its handler imports this module on first use. */
export function openSqsRetryQueue(env: NodeJS.ProcessEnv, queueUrl: string, deadLetterQueueUrl: string): RetryQueue {
  return sqsRetryQueue(new SQSClient(sqsClientConfig(env)), queueUrl, deadLetterQueueUrl);
}

/** The events queue and its DLQ as the processor's RetryQueue. */
export function sqsRetryQueue(client: SQSClient, queueUrl: string, deadLetterQueueUrl: string): RetryQueue {
  const send = async (url: string, message: ReceivedMessage, attributes: Readonly<Record<string, string>>, delaySeconds?: number) => {
    // The copy stays in its source's fair-queue group; a message sent before sources has no attribute and no group.
    const groupId = message.attributes[messageAttributeNames.source];
    const copy = { QueueUrl: url, MessageBody: message.body, MessageAttributes: attributesOf(message, attributes), DelaySeconds: delaySeconds };
    await client.send(new SendMessageCommand(groupId === undefined ? copy : { ...copy, MessageGroupId: groupId }));
  };
  return {
    async defer(entries) {
      const refused: { messageId: string; reason: string }[] = [];
      for (let start = 0; start < entries.length; start += maxEntriesPerCall) {
        const chunk = entries.slice(start, start + maxEntriesPerCall);
        try {
          const { Failed = [] } = await client.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: chunk.map((e, i) => ({ Id: String(i), ReceiptHandle: e.message.receiptHandle, VisibilityTimeout: e.seconds })),
            }),
          );
          for (const f of Failed) refused.push({ messageId: chunk[Number(f.Id)].message.messageId, reason: `${f.Code ?? "error"}: ${f.Message ?? ""}` });
        } catch (error) {
          refused.push(...chunk.map((e) => ({ messageId: e.message.messageId, reason: String(error) })));
        }
      }
      return refused;
    },
    resend: (message, attributes, delaySeconds) => send(queueUrl, message, attributes, delaySeconds),
    deadLetter: (message, attributes) => send(deadLetterQueueUrl, message, attributes),
  };
}
