import type { APIGatewayProxyEvent, SQSRecord } from "aws-lambda";
import type { EventInput } from "../../functions/shared/event-schema";
import { sampleEvent as seedSample } from "../../scripts/lib/sample-event";

export function sampleEvent(overrides: Partial<EventInput> = {}): EventInput {
  return { ...seedSample, metadata: { ...seedSample.metadata }, ...overrides };
}

export function apiRequest(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: "/events",
    path: "/events",
    httpMethod: "POST",
    headers: { "Content-Type": "application/json" },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent["requestContext"],
    body: JSON.stringify(sampleEvent()),
    isBase64Encoded: false,
    ...overrides,
  };
}

export function sqsRecord(messageId: string, body: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: "0",
      SenderId: "test",
      ApproximateFirstReceiveTimestamp: "0",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:fluxa-events",
    awsRegion: "us-east-1",
  };
}
