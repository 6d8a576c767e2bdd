import { Client } from "pg";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { queueDepth } from "./observe";

export interface Verification {
  /** Events Fluxa owes a row: every 202 of the stream, plus the poison batch's sound messages. */
  readonly expected: number;
  readonly stored: number;
  readonly lost: number;
  /** Rows beyond one per logical event (one user_id per event in a chaos run). */
  readonly duplicated: number;
  /** Rows of the run whose event_id Fluxa never accepted. */
  readonly unexpectedRows: number;
  readonly rejectedStored: number;
  /**
   * Rows whose event is still in the outbox. Not a loss on its own (missingOnSns says whether SNS got
   * them): the processor acknowledges a message whose publish succeeded but whose mark failed.
   */
  readonly unpublished: number;
  readonly snsDeliveries: number;
  readonly snsDistinct: number;
  readonly missingOnSns: number;
  readonly queueDepth: number;
  readonly dlqDepth: number;
}

export interface VerifyInput {
  readonly databaseUrl: string;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly snsTapQueueUrl: string;
  readonly runId: string;
  readonly accepted: ReadonlyMap<string, string>;
  readonly rejected: readonly string[];
  readonly extraExpected: readonly string[];
}

/** Counts, from PostgreSQL, the queues and every notification SNS delivered, what the run left behind. */
export async function verifyRun(input: VerifyInput): Promise<Verification> {
  const client = new Client({ connectionString: input.databaseUrl });
  await client.connect();
  let rows: { event_id: string; user_id: string; unpublished: boolean }[];
  try {
    const result = await client.query<{ event_id: string; user_id: string; unpublished: boolean }>(
      "SELECT event_id::text, user_id, EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = events.event_id) AS unpublished FROM events WHERE user_id LIKE $1",
      [`${input.runId}-%`],
    );
    rows = result.rows;
  } finally {
    await client.end();
  }
  const expected = new Set([...input.accepted.values(), ...input.extraExpected]);
  const storedIds = new Set(rows.map((r) => r.event_id));
  const rejected = new Set(input.rejected);
  const seenOnSns = await drainNotifications(input.sqs, input.snsTapQueueUrl);
  const distinctOnSns = new Set(seenOnSns);
  return {
    expected: expected.size,
    stored: rows.length,
    lost: [...expected].filter((id) => !storedIds.has(id)).length,
    duplicated: rows.length - new Set(rows.map((r) => r.user_id)).size,
    unexpectedRows: rows.filter((r) => !expected.has(r.event_id)).length,
    rejectedStored: rows.filter((r) => rejected.has(r.user_id)).length,
    unpublished: rows.filter((r) => r.unpublished).length,
    snsDeliveries: seenOnSns.length,
    snsDistinct: distinctOnSns.size,
    missingOnSns: [...storedIds].filter((id) => !distinctOnSns.has(id)).length,
    queueDepth: await queueDepth(input.sqs, input.queueUrl),
    dlqDepth: await queueDepth(input.sqs, input.dlqUrl),
  };
}

/** The event_id of every notification in the SNS tap queue, taken out by four receivers in parallel. */
async function drainNotifications(sqs: SQSClient, tapUrl: string): Promise<string[]> {
  const ids: string[] = [];
  const receiver = async () => {
    for (let empty = 0; empty < 3; ) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: tapUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (Messages.length === 0) {
        empty++;
        continue;
      }
      empty = 0;
      for (const m of Messages) {
        const notification = JSON.parse(m.Body ?? "{}") as { Message?: string };
        ids.push(String((JSON.parse(notification.Message ?? "{}") as { event_id?: string }).event_id));
      }
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: tapUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    }
  };
  await Promise.all([receiver(), receiver(), receiver(), receiver()]);
  return ids;
}
