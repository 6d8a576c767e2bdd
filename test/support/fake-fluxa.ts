import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { FluxaClient, type FluxaClientOptions } from "../../clients/typescript/src";

/** What the fake does with one POST /events/batch; without one queued it answers as Fluxa does. */
export type BatchBehaviour =
  /** Answers with this status and body, storing nothing. */
  | { readonly answer: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  /** Stores the batch as usual, then drops the connection without answering. */
  | { readonly storeThenDrop: true }
  /** Stores the batch except these positions, which it reports enqueue_failed (with Retry-After: 1, as Fluxa does). */
  | { readonly enqueueFail: readonly number[] }
  /** Never answers. */
  | { readonly hang: true };

export interface StoredItem {
  readonly eventId: string;
  readonly event: Record<string, unknown>;
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

export interface FakeFluxa {
  readonly url: string;
  /** Events stored, by idempotency key: one entry per key however often it was sent. */
  readonly stored: Map<string, StoredItem>;
  readonly requests: ReceivedRequest[];
  /** Behaviours for the next batch requests, first one first. */
  readonly script: BatchBehaviour[];
  /** The events each batch request carried, in order of arrival. */
  batchSizes(): number[];
  /** Called as each batch request arrives, before it is answered. */
  onBatch: (() => void) | undefined;
  stop(): Promise<void>;
}

/**
 * A fake of Fluxa's API on 127.0.0.1 (a free port) for client tests: POST /events/batch with the
 * server's idempotency rule (the same key gives the same event_id and one stored event), its
 * validation of currency as the one refused field, GET /events/{id} and a paged GET /events.
 */
export async function startFakeFluxa(): Promise<FakeFluxa> {
  const stored = new Map<string, StoredItem>();
  const requests: ReceivedRequest[] = [];
  const script: BatchBehaviour[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(request);
      if (request.method === "POST" && request.url === "/events/batch") return batch(request, res);
      if (request.method === "GET") return read(request, res);
      json(res, 404, { error: "not_found", message: "no such route" });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  function batch(request: ReceivedRequest, res: ServerResponse): void {
    fake.onBatch?.();
    const behaviour = script.shift();
    if (behaviour && "hang" in behaviour) return;
    if (behaviour && "answer" in behaviour) return json(res, behaviour.answer, behaviour.body ?? { error: "scripted", message: "scripted answer" }, behaviour.headers);
    const events = (JSON.parse(request.body) as { events: Record<string, unknown>[] }).events;
    const failing = behaviour && "enqueueFail" in behaviour ? behaviour.enqueueFail : [];
    const results = events.map(({ idempotency_key: key, ...event }, index) => {
      if (typeof event.currency !== "string" || !/^[A-Z]{3}$/.test(event.currency)) {
        return { index, error: "validation_failed", details: [{ path: "currency", message: "must be an ISO 4217 code of 3 capital letters" }] };
      }
      if (failing.includes(index)) return { index, error: "enqueue_failed" };
      const item = stored.get(String(key)) ?? { eventId: randomUUID(), event };
      stored.set(String(key), item);
      return { index, event_id: item.eventId, status: "enqueued" };
    });
    if (behaviour && "storeThenDrop" in behaviour) return void res.socket?.destroy();
    json(res, 207, { results }, failing.length > 0 ? { "Retry-After": "1" } : {});
  }

  function read(request: ReceivedRequest, res: ServerResponse): void {
    const url = new URL(request.url, "http://fake");
    const all: Record<string, unknown>[] = [...stored.values()].map(({ eventId, event }) => ({ event_id: eventId, ...event }));
    const one = /^\/events\/([^/]+)$/.exec(url.pathname);
    if (one) {
      const found = all.find((e) => e.event_id === decodeURIComponent(one[1]));
      return found ? json(res, 200, found) : json(res, 404, { error: "not_found", message: "no such event" });
    }
    if (!url.searchParams.get("user_id")) return json(res, 400, { error: "invalid_query", message: "bad query", details: [{ path: "user_id", message: "is required" }] });
    const mine = all.filter((e) => e.user_id === url.searchParams.get("user_id"));
    const start = Number(url.searchParams.get("cursor") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 50);
    const next = start + limit < mine.length ? String(start + limit) : null;
    json(res, 200, { events: mine.slice(start, start + limit), next_cursor: next });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const fake: FakeFluxa = {
    onBatch: undefined,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stored,
    requests,
    script,
    batchSizes: () =>
      requests.filter((r) => r.url === "/events/batch").map((r) => (JSON.parse(r.body) as { events: unknown[] }).events.length),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/** A client of the fake with waits short enough for tests (no exit hook: each test closes its client). */
export function clientOf(fake: FakeFluxa, options: Partial<FluxaClientOptions> = {}): FluxaClient {
  return new FluxaClient({ endpoint: fake.url, apiKey: "test-key", initialBackoffMs: 1, maxBackoffMs: 5, flushIntervalMs: 5, drainOnExit: false, ...options });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** Mocha hooks for a suite: a fresh fake Fluxa for each test, and the test's client on it closed after it. */
export function fakeFluxaPerTest(): { fake: FakeFluxa; client: FluxaClient | undefined } {
  const suite = { fake: undefined as unknown as FakeFluxa, client: undefined as FluxaClient | undefined };
  beforeEach(async () => {
    suite.fake = await startFakeFluxa();
    suite.client = undefined;
  });
  afterEach(async () => {
    await suite.client?.close(0);
    await suite.fake.stop();
  });
  return suite;
}
