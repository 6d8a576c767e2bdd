import { PublishBatchCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { EventNotifier, PublishFailure, StoredEvent } from "../shared/ports";

/** SNS PublishBatch takes at most 10 entries per call. */
const publishBatchLimit = 10;

export function snsEventNotifier(client: SNSClient, topicArn: string): EventNotifier {
  return {
    async publish(events: readonly StoredEvent[]) {
      const chunks: StoredEvent[][] = [];
      for (let i = 0; i < events.length; i += publishBatchLimit) chunks.push(events.slice(i, i + publishBatchLimit));
      const failed = await Promise.all(chunks.map((chunk) => publishChunk(client, topicArn, chunk)));
      return failed.flat();
    },
  };
}

async function publishChunk(client: SNSClient, topicArn: string, events: readonly StoredEvent[]): Promise<PublishFailure[]> {
  try {
    const result = await client.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: events.map((event, index) => ({
          Id: String(index),
          Message: JSON.stringify(event),
          MessageAttributes: {
            event_id: { DataType: "String", StringValue: event.event_id },
            correlation_id: { DataType: "String", StringValue: event.correlation_id },
          },
        })),
      }),
    );
    return (result.Failed ?? []).map((failure) => ({
      eventId: events[Number(failure.Id)].event_id,
      reason: `${failure.Code ?? "error"}: ${failure.Message ?? "publish failed"}`,
    }));
  } catch (error) {
    return events.map((event) => ({ eventId: event.event_id, reason: String(error) }));
  }
}
