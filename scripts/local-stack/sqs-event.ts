import type { Message } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from "aws-lambda";

/** The SQSEvent Lambda's event source mapping builds from received messages. */
export function sqsEvent(messages: readonly Message[], queueArn: string, region: string): SQSEvent {
  return { Records: messages.map((message) => sqsRecord(message, queueArn, region)) };
}

function sqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? "",
      SenderId: attributes.SenderId ?? "000000000000",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? "",
    },
    messageAttributes: lambdaMessageAttributes(message),
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** SQS's `{StringValue, BinaryValue, DataType}` in Lambda's camelCase shape; binary values as base64. */
export function lambdaMessageAttributes(message: Pick<Message, "MessageAttributes">): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, attribute] of Object.entries(message.MessageAttributes ?? {})) {
    result[name] = {
      ...(attribute.StringValue !== undefined ? { stringValue: attribute.StringValue } : {}),
      ...(attribute.BinaryValue !== undefined ? { binaryValue: Buffer.from(attribute.BinaryValue).toString("base64") } : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: attribute.DataType ?? "String",
    };
  }
  return result;
}

/**
 * The receipt handles to delete after an invocation that returned `response`. With
 * ReportBatchItemFailures, Lambda keeps the listed records; an empty or missing list means all
 * succeeded; a malformed response, or an itemIdentifier that is empty or not in the batch, fails
 * the whole batch.
 */
export function receiptHandlesToDelete(event: SQSEvent, response: unknown): string[] {
  const all = event.Records.map((record) => record.receiptHandle);
  if (response === null || response === undefined) return all;
  if (typeof response !== "object") return [];
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return all;
  if (!Array.isArray(failures)) return [];
  const ids = new Set(event.Records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== "string" || !ids.has(id)) return [];
    failed.add(id);
  }
  return event.Records.filter((record) => !failed.has(record.messageId)).map((record) => record.receiptHandle);
}
