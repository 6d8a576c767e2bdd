import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { sha256Hex } from "../../functions/shared/hash";
import { inlineQueueMessage, s3QueueMessage, type MessageHeader } from "../../functions/shared/queue-message";
import { eventQueue, payloadObjectKey } from "../../functions/topology";
import type { LogEntry } from "./observe";
import { defaultSourceName } from "../../functions/shared/sources";

export interface PoisonOutcome {
  /** event_ids of the messages found in the DLQ (and taken out of it). */
  readonly deadLettered: string[];
  /** event_id -> the permanent_failures of each "message not processed" line the processor logged for it. */
  readonly receiveCounts: Record<string, number[]>;
  /** The poisoned messages' batch-mates: they must be stored. */
  readonly mateEventIds: string[];
  readonly problems: string[];
}

export interface PoisonTargets {
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly bucket: string;
  readonly runId: string;
  readonly logs: readonly LogEntry[];
  readonly timeoutMs: number;
}

function event(userId: string) {
  return { user_id: userId, amount: 1, currency: "EUR", merchant: "chaos-poison", timestamp: "2024-01-15T10:30:00Z", metadata: { poison: true } };
}

function header(eventId: string): MessageHeader {
  return { source: defaultSourceName, eventId, correlationId: `corr-${eventId}`, receivedAt: new Date() };
}

const hashOf = (payload: unknown) => sha256Hex(JSON.stringify(payload));

/**
 * One batch of five messages: two poisoned (their S3 object deleted, or altered after the hash was
 * taken) and three sound. The poisoned ones must be dead-lettered at exactly their third receive
 * (the processor counts permanent failures itself), each logged as permanent; the sound ones must
 * be stored.
 */
export async function injectPoison(t: PoisonTargets): Promise<PoisonOutcome> {
  const missingId = randomUUID();
  const alteredId = randomUUID();
  const now = new Date();
  const missing = s3QueueMessage(header(missingId), { bucket: t.bucket, key: payloadObjectKey(now, missingId), bytes: 100 }, hashOf(event(`${t.runId}-poison-missing`)));
  const sound = event(`${t.runId}-poison-altered`);
  const alteredKey = payloadObjectKey(now, alteredId);
  await t.s3.send(new PutObjectCommand({ Bucket: t.bucket, Key: alteredKey, Body: JSON.stringify({ ...sound, amount: 1_000_000 }) }));
  const altered = s3QueueMessage(header(alteredId), { bucket: t.bucket, key: alteredKey, bytes: 100 }, hashOf(sound));
  const mates = [0, 1, 2].map((i) => inlineQueueMessage(header(randomUUID()), event(`${t.runId}-mate-${i}`)));
  await t.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: t.queueUrl,
      Entries: [missing, altered, ...mates].map((message, i) => ({ Id: String(i), MessageBody: JSON.stringify(message) })),
    }),
  );

  const poisoned = new Set<string>([missingId, alteredId]);
  const deadLettered = await takeFromDlq(t, poisoned);
  await logsCaughtUp(t, poisoned);
  const receiveCounts = Object.fromEntries(
    [...poisoned].map((id) => [id, t.logs.filter((l) => l.event_id === id && l.msg === "message not processed").map((l) => Number(l.permanent_failures))]),
  );
  const problems: string[] = [];
  const expectedReceives = Array.from({ length: eventQueue.poisonReceives }, (_, i) => i + 1);
  if ([...deadLettered].sort().join() !== [...poisoned].sort().join()) problems.push(`the DLQ got ${deadLettered.length} of the 2 poisoned messages`);
  for (const [id, counts] of Object.entries(receiveCounts)) {
    if (counts.join() !== expectedReceives.join()) problems.push(`poisoned ${id} was received ${JSON.stringify(counts)}, expected ${JSON.stringify(expectedReceives)}`);
  }
  const notPermanent = t.logs.filter((l) => poisoned.has(String(l.event_id)) && l.failure !== "permanent");
  if (notPermanent.length > 0) problems.push(`${notPermanent.length} failure(s) of a poisoned message were not classed permanent`);
  return { deadLettered, receiveCounts, mateEventIds: mates.map((m) => m.event_id), problems };
}

/** Log lines cross from the functions' worker threads after the work they describe: wait for them (bounded). */
async function logsCaughtUp(t: PoisonTargets, poisoned: ReadonlySet<string>): Promise<void> {
  const logged = (id: string) => t.logs.filter((l) => l.event_id === id && l.msg === "message not processed").length;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
    if ([...poisoned].every((id) => logged(id) >= eventQueue.poisonReceives)) return;
  }
}

/**
 * Receives from the DLQ until every wanted message came (deleting those) or the time is up. Any
 * other message is left alone: it becomes visible again and the final count reports it.
 */
async function takeFromDlq(t: PoisonTargets, wanted: ReadonlySet<string>): Promise<string[]> {
  const found: string[] = [];
  const deadline = Date.now() + t.timeoutMs;
  while (found.length < wanted.size && Date.now() < deadline) {
    const { Messages = [] } = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: t.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 1 }));
    const mine = Messages.filter((m) => wanted.has(String((JSON.parse(m.Body ?? "{}") as { event_id?: string }).event_id)));
    if (mine.length === 0) {
      await sleep(200);
      continue;
    }
    found.push(...mine.map((m) => String((JSON.parse(m.Body ?? "{}") as { event_id?: string }).event_id)));
    await t.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: t.dlqUrl, Entries: mine.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
  }
  return found;
}
