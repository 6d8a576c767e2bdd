import type { APIGatewayProxyEvent, SQSRecord } from "aws-lambda";
import type { EventInput } from "../../functions/shared/event-schema";
import type { NewEvent, StoredEvent } from "../../functions/shared/ports";
import { readmeSampleEvent as seedSample } from "./sample-event";

export function sampleEvent(overrides: Partial<EventInput> = {}): EventInput {
  return { ...seedSample, metadata: { ...seedSample.metadata }, ...overrides };
}

/** A deployment's source directory for tests: two keys of `web` (as while rotating) and one of `mobile`. */
export const testSourceDirectory: ReadonlyMap<string, string> = new Map([
  ["key-web-1", "web"],
  ["key-web-2", "web"],
  ["key-mobile-1", "mobile"],
]);

/** The source of `apiRequest`'s default caller, and of `newEvent` and `storedEvent`. */
export const testSource = "web";

/** The request context API Gateway passes for a request admitted with this API key id. */
export function callerContext(apiKeyId: string): APIGatewayProxyEvent["requestContext"] {
  return { identity: { apiKeyId } } as APIGatewayProxyEvent["requestContext"];
}

/** A REST API proxy event, by default admitted with `key-web-1` (source `web`). */
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
    requestContext: callerContext("key-web-1"),
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

/** The n-th test event id: a valid UUIDv7, easy to read in failures. */
export const testEventId = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;

/** Event n as the processor hands it to the store. */
export function newEvent(n: number, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    source: testSource,
    eventId: testEventId(n),
    correlationId: `corr-${n}`,
    event: sampleEvent({ user_id: `user-${n}` }),
    payloadMode: "INLINE",
    payloadSha256: "a".repeat(64),
    payloadKey: null,
    receivedAt: "2024-01-15T10:30:01.000Z",
    ...overrides,
  };
}

/** Event n as the store serves it, with the given metadata. */
export function storedEvent(n: number, metadata: StoredEvent["metadata"] = { source: "web" }): StoredEvent {
  return {
    ...sampleEvent(),
    metadata,
    event_id: testEventId(n),
    source: testSource,
    correlation_id: `c${n}`,
    payload_mode: "INLINE",
    created_at: "2024-01-15T10:30:01.000Z",
  };
}
