import { Agent, request as httpRequest } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Client } from "pg";
import type { LocalStack } from "../local-stack/local-stack";
import { eventBody } from "./fixtures";
import { progress, summariseLatencies, type LatencySummary } from "./measure";

export interface EndToEnd {
  readonly offeredPerSecond: number;
  /** 1: one POST /events per event; more: POST /events/batch requests of this many events. */
  readonly eventsPerRequest: number;
  readonly seconds: number;
  readonly accepted: number;
  readonly rejectedByStatus: Record<string, number>;
  /** From sending the POST to its 202. */
  readonly acceptLatency: LatencySummary;
  /** From the 202 to the event being stored, i.e. readable by GET /events/{id}. */
  readonly readableAfterAccept: LatencySummary;
  readonly neverReadable: number;
  readonly probeIntervalMs: number;
}

const probeIntervalMs = 10;
/** A POST not answered within this counts as rejected, as a client would give up on it. */
const requestTimeoutMs = 10_000;
const giveUpAfterLastSendMs = 15_000;
const confirmedThroughApi = 20;

/**
 * An open-loop load: POSTs are launched on a fixed schedule whatever the answers, so a slow
 * pipeline cannot slow the offered rate down. Readability is probed with one SELECT of all
 * outstanding ids every 10 ms (the row GET /events/{id} reads) rather than hundreds of GETs a
 * second that would load the API under test; a sample is then confirmed through the API itself.
 */
export async function measureEndToEnd(
  stack: LocalStack,
  db: Client,
  apiKey: string,
  { perSecond, seconds, eventsPerRequest = 1 }: { perSecond: number; seconds: number; eventsPerRequest?: number },
): Promise<EndToEnd> {
  const acceptedAt = new Map<string, number>();
  const acceptLatencies: number[] = [];
  const readable: number[] = [];
  const rejectedByStatus: Record<string, number> = {};
  const total = (perSecond * seconds) / eventsPerRequest;
  const requestsPerSecond = perSecond / eventsPerRequest;
  const batched = eventsPerRequest > 1;
  const bar = progress(`end to end at ${perSecond} events/s for ${seconds} s${batched ? `, batches of ${eventsPerRequest}` : ""}`);
  const request = batched
    ? { path: "/events/batch", body: JSON.stringify({ events: Array.from({ length: eventsPerRequest }, () => JSON.parse(eventBody) as unknown) }), accepted: 207 }
    : { path: "/events", body: eventBody, accepted: 202 };

  // node:http rather than fetch: on this 2-core machine fetch cost the load 0.4–0.7 ms more CPU per request,
  // taken from the stack under test.
  const agent = new Agent({ keepAlive: true });
  const post = async () => {
    const sent = performance.now();
    const response = await postJson(agent, `${stack.apiUrl}${request.path}`, apiKey, request.body).catch(
      (error: NodeJS.ErrnoException) => new Error(`network error ${error.code ?? error.message}`),
    );
    const status = response instanceof Error ? response.message : String(response.status);
    if (response instanceof Error || response.status !== request.accepted) {
      rejectedByStatus[status] = (rejectedByStatus[status] ?? 0) + eventsPerRequest;
      return;
    }
    const body = response.body as { event_id?: string; results?: { event_id?: string; status?: string; error?: string }[] };
    const answeredAt = performance.now();
    for (const item of body.results ?? [{ event_id: body.event_id, status: "enqueued" }]) {
      if (item.event_id === undefined || item.status !== "enqueued") {
        const itemStatus = `${status} ${item.error ?? "not enqueued"}`;
        rejectedByStatus[itemStatus] = (rejectedByStatus[itemStatus] ?? 0) + 1;
        continue;
      }
      acceptedAt.set(item.event_id, answeredAt);
      acceptLatencies.push(answeredAt - sent);
    }
  };

  const requests: Promise<void>[] = [];
  const started = performance.now();
  const sending = (async () => {
    while (requests.length < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) * requestsPerSecond) / 1000));
      while (requests.length < due) requests.push(post());
      bar.update(requests.length, total);
      await sleep(2);
    }
    await Promise.all(requests);
  })();

  let sendingDone = false;
  void sending.then(() => (sendingDone = true));
  let giveUpAt = Number.POSITIVE_INFINITY;
  while (!sendingDone || (acceptedAt.size > 0 && performance.now() < giveUpAt)) {
    if (sendingDone && giveUpAt === Number.POSITIVE_INFINITY) giveUpAt = performance.now() + giveUpAfterLastSendMs;
    await sleep(probeIntervalMs);
    const outstanding = [...acceptedAt.keys()];
    if (outstanding.length === 0) continue;
    const { rows } = await db.query<{ event_id: string }>("SELECT event_id FROM events WHERE event_id = ANY($1::uuid[])", [outstanding]);
    const seenAt = performance.now();
    for (const { event_id } of rows) {
      readable.push(seenAt - (acceptedAt.get(event_id) ?? seenAt));
      acceptedAt.delete(event_id);
    }
  }
  await sending;
  agent.destroy();
  await confirmThroughApi(stack, apiKey, db);
  const result = {
    offeredPerSecond: perSecond,
    eventsPerRequest,
    seconds,
    accepted: acceptLatencies.length,
    rejectedByStatus,
    acceptLatency: summariseLatencies(acceptLatencies),
    readableAfterAccept: summariseLatencies(readable),
    neverReadable: acceptedAt.size,
    probeIntervalMs,
  };
  bar.done(`202→readable p95 ${result.readableAfterAccept.p95Ms} ms, ${result.neverReadable} never readable`);
  return result;
}

function postJson(agent: Agent, url: string, apiKey: string, body: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-api-key": apiKey };
    const outgoing = httpRequest(url, { method: "POST", agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        try {
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      response.on("error", reject);
    });
    outgoing.setTimeout(requestTimeoutMs, () => outgoing.destroy(Object.assign(new Error("no answer in time"), { code: "TIMEOUT" })));
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

async function confirmThroughApi(stack: LocalStack, apiKey: string, db: Client): Promise<void> {
  const { rows } = await db.query<{ event_id: string }>("SELECT event_id FROM events ORDER BY random() LIMIT $1", [confirmedThroughApi]);
  for (const { event_id } of rows) {
    const response = await fetch(`${stack.apiUrl}/events/${event_id}`, { headers: { "x-api-key": apiKey } });
    if (response.status !== 200) throw new Error(`GET /events/${event_id} answered ${response.status} for a stored event`);
  }
}
