/**
 * The processor's floor as a function: what storing and announcing a batch cannot avoid, without
 * the processor's own work (decoding, checks, slonik, the outbox mark). One multi-row INSERT of the
 * batch's rows (raw pg), then their notifications in PublishBatch calls of 10 (SNS's limit) sent at
 * once, as the processor sends them, with the same four message attributes (subscribers filter on
 * them). It receives the processor's SQS event and answers as the processor does, so both pay the
 * same hop into the worker.
 */
import { PublishBatchCommand, SNSClient } from "@aws-sdk/client-sns";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { Client } from "pg";
import type { EventInput } from "../../../functions/shared/event-schema";
import { messageAttributeNames, queueMessageAttributes, type QueueMessage } from "../../../functions/shared/queue-message";
import { envNames } from "../../../functions/topology";
import { eventRowValues, multiRowInsert } from "../event-rows";

const sns = new SNSClient({});
const topicArn = process.env[envNames.topicArn];
const db = new Client({ connectionString: process.env[envNames.databaseUrl] });
const connected = db.connect();

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  await connected;
  const messages = event.Records.map((record) => JSON.parse(record.body) as QueueMessage);
  await db.query(multiRowInsert(messages.length), messages.flatMap(eventRowValues));
  const calls = [];
  for (let start = 0; start < messages.length; start += 10) {
    const entries = messages.slice(start, start + 10).map((message, index) => ({
      Id: String(index),
      Message: JSON.stringify(message),
      MessageAttributes: {
        ...queueMessageAttributes(message),
        [messageAttributeNames.userId]: { DataType: "String", StringValue: (message as QueueMessage & { payload: EventInput }).payload.user_id },
      },
    }));
    calls.push(sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries })));
  }
  const answers = await Promise.all(calls);
  if (answers.some((answer) => (answer.Failed?.length ?? 0) > 0)) throw new Error("SNS refused part of a PublishBatch");
  return { batchItemFailures: [] };
}
