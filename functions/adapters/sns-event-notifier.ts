import { PublishBatchCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { MessageAttributeValue } from "@aws-sdk/client-sns";
import { withoutMetadata } from "../shared/metadata-omitted";
import type { EventNotifier, PublishFailure, StoredEvent } from "../shared/ports";
import { messageAttributeNames } from "../shared/queue-message";

/**
 * SNS limits: a message is at most 256 KiB, and one PublishBatch call at most 10 entries and
 * 256 KiB in all (attributes included). The budgets below leave room for the attributes.
 */
const maxEntriesPerBatch = 10;
const maxBatchBytes = 256_000;
export const maxNotificationBytes = 250_000;

export interface Notification {
  readonly event: StoredEvent;
  readonly body: string;
  readonly bytes: number;
}

/**
 * The notification is the stored event; one too large for SNS goes without its metadata
 * (`metadata_omitted: true`) and subscribers read the whole event from GET /events/{id}.
 */
export function notificationOf(event: StoredEvent): Notification {
  const full = JSON.stringify(event);
  const fullBytes = Buffer.byteLength(full);
  if (fullBytes <= maxNotificationBytes) return { event, body: full, bytes: fullBytes };
  const body = JSON.stringify(withoutMetadata(event));
  return { event, body, bytes: Buffer.byteLength(body) };
}

/** Groups notifications into PublishBatch calls within the entry and size limits. */
export function publishBatches(notifications: readonly Notification[]): Notification[][] {
  const batches: Notification[][] = [];
  let current: Notification[] = [];
  let bytes = 0;
  for (const notification of notifications) {
    if (current.length === maxEntriesPerBatch || (current.length > 0 && bytes + notification.bytes > maxBatchBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(notification);
    bytes += notification.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The message attributes of a notification, the same for SNS and for SQS (whose shape matches). */
export function notificationAttributes(event: StoredEvent, extra: Readonly<Record<string, string>> = {}): Record<string, MessageAttributeValue> {
  const attributes: Record<string, string> = {
    [messageAttributeNames.eventId]: event.event_id,
    [messageAttributeNames.correlationId]: event.correlation_id,
    // For subscribers' filter policies: one source's events, or one user's.
    [messageAttributeNames.source]: event.source,
    [messageAttributeNames.userId]: event.user_id,
    ...extra,
  };
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: "String", StringValue: value }]));
}

type SendBatch = (batch: readonly Notification[], attributes: Readonly<Record<string, string>>) => Promise<PublishFailure[]>;

/** A notifier that sends the notifications of the events in batches within the limits, all at once. */
export function batchingNotifier(send: SendBatch): EventNotifier {
  return {
    async publish(events, attributes = {}) {
      const failed = await Promise.all(publishBatches(events.map(notificationOf)).map((batch) => send(batch, attributes)));
      return failed.flat();
    },
  };
}

export function snsEventNotifier(client: SNSClient, topicArn: string): EventNotifier {
  return batchingNotifier((batch, attributes) => publishBatch(client, topicArn, batch, attributes));
}

async function publishBatch(
  client: SNSClient,
  topicArn: string,
  batch: readonly Notification[],
  attributes: Readonly<Record<string, string>>,
): Promise<PublishFailure[]> {
  try {
    const result = await client.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: batch.map(({ event, body }, index) => ({
          Id: String(index),
          Message: body,
          MessageAttributes: notificationAttributes(event, attributes),
        })),
      }),
    );
    return (result.Failed ?? []).map((failure) => ({
      eventId: batch[Number(failure.Id)].event.event_id,
      reason: `${failure.Code ?? "error"}: ${failure.Message ?? "publish failed"}`,
    }));
  } catch (error) {
    return batch.map(({ event }) => ({ eventId: event.event_id, reason: String(error) }));
  }
}
