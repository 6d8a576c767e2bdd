import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { EventNotifier, PublishFailure } from "../shared/ports";
import { batchingNotifier, notificationAttributes, type Notification } from "./sns-event-notifier";

/**
 * Sends notifications straight to one SQS queue, as a subscription with raw message delivery would
 * receive them: the notification as the body, its attributes as message attributes. SQS batches
 * share SNS's limits (10 entries, 256 KiB), so the SNS batching is reused.
 */
export function sqsNotificationSender(client: SQSClient, queueUrl: string): EventNotifier {
  return batchingNotifier((batch, attributes) => sendBatch(client, queueUrl, batch, attributes));
}

async function sendBatch(client: SQSClient, queueUrl: string, batch: readonly Notification[], attributes: Readonly<Record<string, string>>): Promise<PublishFailure[]> {
  try {
    const result = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map(({ event, body }, index) => ({ Id: String(index), MessageBody: body, MessageAttributes: notificationAttributes(event, attributes) })),
      }),
    );
    return (result.Failed ?? []).map((failure) => ({
      eventId: batch[Number(failure.Id)].event.event_id,
      reason: `${failure.Code ?? "error"}: ${failure.Message ?? "send failed"}`,
    }));
  } catch (error) {
    return batch.map(({ event }) => ({ eventId: event.event_id, reason: String(error) }));
  }
}

/** Whether the queue exists; any other error (access, network) is thrown. */
export async function sqsQueueExists(client: SQSClient, queueUrl: string): Promise<boolean> {
  try {
    await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }));
    return true;
  } catch (error) {
    const name = (error as { name?: string }).name ?? "";
    if (name === "QueueDoesNotExist" || name === "AWS.SimpleQueueService.NonExistentQueue") return false;
    throw error;
  }
}
