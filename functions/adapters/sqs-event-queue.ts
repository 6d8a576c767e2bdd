import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { EventQueue } from "../shared/ports";
import { messageAttributeNames, type QueueMessage } from "../shared/queue-message";

export function sqsEventQueue(client: SQSClient, queueUrl: string): EventQueue {
  return {
    async send(message: QueueMessage) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(message),
          MessageAttributes: {
            [messageAttributeNames.correlationId]: { DataType: "String", StringValue: message.correlation_id },
            [messageAttributeNames.eventId]: { DataType: "String", StringValue: message.event_id },
          },
        }),
      );
    },
  };
}
