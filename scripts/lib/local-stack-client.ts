import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, SQSClient } from "@aws-sdk/client-sqs";
import type { DatabasePool } from "slonik";
import { createDatabasePool } from "../../functions/shared/database";
import { startLocalStack, type LocalStack, type LocalStackOptions } from "../local-stack/local-stack";

export interface FunctionLogEntry {
  readonly function: string;
  readonly [field: string]: unknown;
}

export interface TestStack {
  readonly stack: LocalStack;
  /** Every JSON log line the functions wrote. */
  readonly logs: FunctionLogEntry[];
  /** The stack's own messages (migrations applied, throttles), as `npm start` prints them. */
  readonly stackMessages: string[];
  /** A pool on the stack's database, to count what was stored. */
  readonly db: DatabasePool;
  readonly apiKey: string;
  readonly sqs: SQSClient;
  stop(): Promise<void>;
}

/** The local stack on free ports with its own data directory, quiet, for end-to-end tests. */
export async function startTestStack(options: LocalStackOptions = {}): Promise<TestStack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "fluxa-e2e-"));
  chmodSync(dataDir, 0o755);
  const logs: FunctionLogEntry[] = [];
  const onFunctionLog = (name: string, line: string) => {
    if (line.startsWith("{")) logs.push({ ...(JSON.parse(line) as object), function: name });
  };
  // The visibility timeout is short enough for a poisoned message to reach the DLQ in seconds, and
  // longer than the 1 s batching window plus a batch's processing, or in-flight messages are received again.
  const stackMessages: string[] = [];
  const onStackMessage = (message: string) => stackMessages.push(message);
  const stack = await startLocalStack({ port: 0, dataDir, quiet: true, apiKeys: ["e2e-key"], visibilityTimeoutSeconds: 3, onFunctionLog, onStackMessage, ...options });
  const db = await createDatabasePool({ DATABASE_URL: stack.databaseUrl });
  const sqs = new SQSClient({
    endpoint: stack.awsEndpointUrl,
    region: stack.region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return {
    stack,
    logs,
    stackMessages,
    db,
    apiKey: "e2e-key",
    sqs,
    stop: async () => {
      await db.end();
      sqs.destroy();
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface StackResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

export async function call(
  t: TestStack,
  method: string,
  route: string,
  init: { body?: string | Buffer; headers?: Record<string, string>; key?: string | null } = {},
): Promise<StackResponse> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  const key = init.key === undefined ? t.apiKey : init.key;
  if (key !== null) headers["x-api-key"] = key;
  const response = await fetch(`${t.stack.apiUrl}${route}`, { method, headers, body: init.body });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${method} ${route} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body };
}

export function postEvent(t: TestStack, event: unknown, headers: Record<string, string> = {}): Promise<StackResponse> {
  return call(t, "POST", "/events", { body: JSON.stringify(event), headers: { "Content-Type": "application/json", ...headers } });
}

/** Polls until `probe` returns a value, or fails after `attempts` polls. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, attempts = 150, everyMs = 100): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export async function waitForEvent(t: TestStack, eventId: string): Promise<StackResponse> {
  return eventually(`event ${eventId} to be readable`, async () => {
    const response = await call(t, "GET", `/events/${eventId}`);
    return response.status === 200 ? response : undefined;
  });
}

/** Receives and deletes what a queue holds now (a few empty polls in a row end it). */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const drained: Message[] = [];
  for (let empty = 0; empty < 3; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ["All"] }),
    );
    if (Messages.length === 0) {
      empty++;
      continue;
    }
    empty = 0;
    drained.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  return drained;
}
