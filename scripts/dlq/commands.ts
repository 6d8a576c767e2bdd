import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { PayloadStore } from "../../functions/shared/ports";
import { messageAttributeNames } from "../../functions/shared/queue-message";
import { defaultSourceName } from "../../functions/shared/sources";
import { formatTable } from "../lib/table";
import { diagnose } from "./diagnose";

export interface DlqContext {
  readonly sqs: SQSClient;
  readonly payloads: PayloadStore;
  readonly queueUrl: string | undefined;
  readonly dlqUrl: string;
  /** Only this source's messages; undefined: every source's. */
  readonly source?: string;
  readonly print: (text: string) => void;
}

/** How long a message listed or shown stays hidden from other readers of the DLQ. */
const peekVisibilitySeconds = 5;

/** A field of the message: its SQS attribute, else the same field of its JSON body, else "?". */
function fieldOf(message: Message, name: (typeof messageAttributeNames)[keyof typeof messageAttributeNames]): string {
  const attribute = message.MessageAttributes?.[name]?.StringValue;
  if (attribute) return attribute;
  try {
    const value = (JSON.parse(message.Body ?? "") as Record<string, unknown>)[name];
    return typeof value === "string" ? value : "?";
  } catch {
    return "?";
  }
}

const eventIdOf = (message: Message) => fieldOf(message, messageAttributeNames.eventId);
const correlationIdOf = (message: Message) => fieldOf(message, messageAttributeNames.correlationId);
/** A message sent before sources carries none: it is the default source's. */
const sourceOf = (message: Message) => {
  const source = fieldOf(message, messageAttributeNames.source);
  return source === "?" ? defaultSourceName : source;
};
const selected = (ctx: DlqContext) => (message: Message) => ctx.source === undefined || sourceOf(message) === ctx.source;

/**
 * Every message in the DLQ once, read without deleting: each receive hides a message for a few
 * seconds, the walk ends when a receive brings nothing new, and then every message is made visible
 * again at once. (Each read adds one to the DLQ's
 * own receive count; the DLQ has no redrive policy, so that moves nothing.)
 */
export async function peekAll(ctx: DlqContext, limit = 10_000): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (let idle = 0; idle < 2 && seen.size < limit; ) {
    const { Messages = [] } = await ctx.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: ctx.dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: peekVisibilitySeconds,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
    for (const m of fresh) seen.set(String(m.MessageId), m);
    idle = fresh.length === 0 ? idle + 1 : 0;
  }
  await release(ctx, [...seen.values()]);
  return [...seen.values()].filter(selected(ctx));
}

async function release(ctx: DlqContext, messages: readonly Message[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    const entries = messages.slice(start, start + 10).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    await ctx.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: ctx.dlqUrl, Entries: entries }));
  }
}

export async function list(ctx: DlqContext): Promise<number> {
  const messages = await peekAll(ctx);
  const rows = await Promise.all(
    messages.map(async (m) => [
      String(m.MessageId),
      sourceOf(m),
      eventIdOf(m),
      correlationIdOf(m),
      m.Attributes?.ApproximateReceiveCount ?? "?",
      new Date(Number(m.Attributes?.SentTimestamp ?? 0)).toISOString(),
      await diagnose(ctx.payloads, String(m.MessageId), m.Body ?? ""),
    ]),
  );
  ctx.print(`${messages.length} message(s)${ctx.source === undefined ? "" : ` of source ${ctx.source}`} in ${ctx.dlqUrl}`);
  if (rows.length > 0) ctx.print(formatTable(["message_id", "source", "event_id", "correlation_id", "receives", "first sent", "last failure reason (re-checked now)"], rows));
  return 0;
}

export async function show(ctx: DlqContext, id: string): Promise<number> {
  const message = (await peekAll(ctx)).find((m) => m.MessageId === id || eventIdOf(m) === id);
  if (!message) {
    ctx.print(`no message ${id} (message id or event_id) in ${ctx.dlqUrl}`);
    return 1;
  }
  let body: unknown = message.Body;
  try {
    body = JSON.parse(message.Body ?? "");
  } catch {
    // shown as the raw text
  }
  ctx.print(
    JSON.stringify(
      {
        message_id: message.MessageId,
        source: sourceOf(message),
        event_id: eventIdOf(message),
        correlation_id: correlationIdOf(message),
        receive_count: message.Attributes?.ApproximateReceiveCount,
        first_sent: new Date(Number(message.Attributes?.SentTimestamp ?? 0)).toISOString(),
        dead_lettered_for: message.MessageAttributes?.[messageAttributeNames.failureReason]?.StringValue ?? null,
        reason: await diagnose(ctx.payloads, String(message.MessageId), message.Body ?? ""),
        body,
      },
      null,
      2,
    ),
  );
  return 0;
}

/**
 * Moves messages back to the event queue: send first, delete only after the send succeeded. A crash
 * between the two leaves a copy in both queues, which the processor stores once (ON CONFLICT on
 * event_id); the other order could lose a message. SQS's StartMessageMoveTask would do this
 * server-side, but the local emulator lacks it and this works against both.
 */
export async function redrive(ctx: DlqContext, max: number): Promise<number> {
  if (!ctx.queueUrl) throw new Error("redrive needs the event queue: --queue-url (or FLUXA_QUEUE_URL)");
  let moved = 0;
  // Another source's messages stay hidden for the walk, so each receive brings new ones; then they are released.
  const skipped = new Map<string, Message>();
  while (moved < max) {
    const { Messages = [] } = await ctx.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: ctx.dlqUrl,
        MaxNumberOfMessages: Math.min(10, max - moved),
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      if (!selected(ctx)(message)) {
        skipped.set(String(message.MessageId), message);
        continue;
      }
      // The processor's poison count and reason start afresh: a redriven message gets three receives again.
      const { [messageAttributeNames.permanentFailures]: _count, [messageAttributeNames.failureReason]: _reason, ...attributes } = message.MessageAttributes ?? {};
      // Back in its source's fair-queue group, as ingest sent it.
      const group = attributes[messageAttributeNames.source]?.StringValue;
      await ctx.sqs.send(
        new SendMessageCommand({ QueueUrl: ctx.queueUrl, MessageBody: message.Body ?? "", MessageAttributes: attributes, ...(group ? { MessageGroupId: group } : {}) }),
      );
      await ctx.sqs.send(new DeleteMessageCommand({ QueueUrl: ctx.dlqUrl, ReceiptHandle: message.ReceiptHandle }));
      moved += 1;
    }
  }
  await release(ctx, [...skipped.values()]);
  ctx.print(`moved ${moved} message(s)${ctx.source === undefined ? "" : ` of source ${ctx.source}`} from ${ctx.dlqUrl} to ${ctx.queueUrl}`);
  return 0;
}

/** Deletes every message of the DLQ; refuses without --yes, and says how many it dropped. */
export async function purge(ctx: DlqContext, confirmed: boolean): Promise<number> {
  const { Attributes = {} } = await ctx.sqs.send(new GetQueueAttributesCommand({ QueueUrl: ctx.dlqUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
  const count = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  if (!confirmed) {
    ctx.print(`${count} message(s) would be deleted for good from ${ctx.dlqUrl}; run again with --yes to purge`);
    return 1;
  }
  await ctx.sqs.send(new PurgeQueueCommand({ QueueUrl: ctx.dlqUrl }));
  ctx.print(`purged ${ctx.dlqUrl} (${count} message(s))`);
  return 0;
}
