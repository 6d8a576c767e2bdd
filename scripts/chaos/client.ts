import { setTimeout as sleep } from "node:timers/promises";

export interface StreamOptions {
  readonly apiUrl: string;
  readonly apiKey: string;
  /** Prefix of every user_id and Idempotency-Key, so that runs never collide. */
  readonly runId: string;
  readonly events: number;
  readonly concurrency: number;
  /** Every n-th event carries a payload above the ingest threshold (it travels through S3). */
  readonly largeEvery: number;
  /** Every n-th event is invalid (lowercase currency) and must be refused with 400. */
  readonly invalidEvery: number;
  /** Attempts per event before the client gives up on it (a 5xx or a dropped connection is retried). */
  readonly maxAttempts: number;
  /** Events started per second at most, so that the stream lasts while the faults happen. */
  readonly ratePerSecond: number;
}

export interface StreamResult {
  /** user_id -> event_id of every event answered 202. */
  readonly accepted: Map<string, string>;
  /** user_ids of the events answered 400 (they were meant to be). */
  readonly rejected: string[];
  /** Events that got neither (gave up after maxAttempts, or an unexpected status), with the last answer. */
  readonly failed: { userId: string; last: string }[];
  /** Attempts beyond the first, over all events. */
  readonly retries: number;
}

export function userIdOf(runId: string, index: number, invalid: boolean): string {
  return `${runId}-${invalid ? "rejected-" : ""}${index}`;
}

/**
 * A client that does what Fluxa asks of clients: it retries a 5xx or a broken connection with the
 * same Idempotency-Key, so a retry that follows a lost 202 cannot store the event twice.
 */
export async function ingestStream(options: StreamOptions, onAnswer: (done: number) => void = () => undefined): Promise<StreamResult> {
  const result = { accepted: new Map<string, string>(), rejected: [] as string[], failed: [] as { userId: string; last: string }[], retries: 0 };
  let next = 0;
  let done = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < options.events) {
      const index = next++;
      const due = started + (index * 1000) / options.ratePerSecond - Date.now();
      if (due > 0) await sleep(due);
      await sendOne(options, index, result);
      onAnswer(++done);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}

async function sendOne(options: StreamOptions, index: number, result: { accepted: Map<string, string>; rejected: string[]; failed: { userId: string; last: string }[]; retries: number }) {
  const invalid = index % options.invalidEvery === options.invalidEvery - 1;
  const userId = userIdOf(options.runId, index, invalid);
  const large = index % options.largeEvery === 0;
  const body = JSON.stringify({
    user_id: userId,
    amount: index / 100,
    currency: invalid ? "usd" : "EUR",
    merchant: "chaos",
    timestamp: new Date(Date.UTC(2024, 0, 1) + index * 1000).toISOString(),
    metadata: large ? { index, blob: "x".repeat(2048) } : { index },
  });
  const headers = { "Content-Type": "application/json", "x-api-key": options.apiKey, "Idempotency-Key": `${options.runId}-${index}` };
  let last = "";
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    if (attempt > 1) {
      result.retries += 1;
      await sleep(Math.min(1_000, 50 * attempt));
    }
    try {
      const response = await fetch(`${options.apiUrl}/events`, { method: "POST", headers, body });
      const text = await response.text();
      last = `${response.status} ${text.slice(0, 200)}`;
      if (response.status >= 500) continue;
      if (response.status === 202 && !invalid) {
        result.accepted.set(userId, String((JSON.parse(text) as { event_id: string }).event_id));
        return;
      }
      if (response.status === 400 && invalid) {
        result.rejected.push(userId);
        return;
      }
      break;
    } catch (error) {
      last = String(error);
    }
  }
  result.failed.push({ userId, last });
}
