import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { FluxaClient } from "../../clients/typescript/src";
import { sampleEvent } from "../lib/factories";
import { progress, ratio, round } from "./measure";

export interface ClientBench {
  readonly events: number;
  readonly eventsPerBatch: number;
  readonly batchesInFlight: number;
  readonly clientEventsPerSecond: number;
  readonly rawFetchEventsPerSecond: number;
  readonly ratioToRawFetch: number;
  readonly burst: {
    readonly offered: number;
    readonly bound: { readonly events: number; readonly bytes: number };
    readonly peakBufferedEvents: number;
    readonly peakBufferedBytes: number;
    /** The whole process's heap at its peak over before the burst: the caller's pending sends and events included. */
    readonly heapGrowthMb: number;
    readonly sent: number;
  };
}

const events = 20_000;
const eventsPerBatch = 100;
const batchesInFlight = 2;
const burstBound = { events: 1_000, bytes: 1024 * 1024 };

/**
 * The TypeScript client against raw fetch of the same batches, both to a bare batch server in this
 * process that answers every event enqueued, so the difference is the client's own work (buffer,
 * batching, idempotency keys, matching the 207 to each send). Then a burst of 10× its buffer against
 * a slow server: what the client holds must stay within its bound.
 */
export async function measureClient(): Promise<ClientBench> {
  const server = await startBatchServer();
  try {
    await rawFetch(server.url, 1000);
    await throughClient(server.url, 1000);
    const bar = progress("TypeScript client");
    const rawFetchEventsPerSecond = await rawFetch(server.url, events);
    const clientEventsPerSecond = await throughClient(server.url, events);
    server.delayMs = 10;
    const burst = await burstOf(server.url, 10 * burstBound.events);
    bar.done(`${clientEventsPerSecond} ev/s vs raw fetch ${rawFetchEventsPerSecond}; burst peak ${burst.peakBufferedEvents} of ${burstBound.events} events`);
    return {
      events,
      eventsPerBatch,
      batchesInFlight,
      clientEventsPerSecond,
      rawFetchEventsPerSecond,
      ratioToRawFetch: ratio(clientEventsPerSecond, rawFetchEventsPerSecond),
      burst,
    };
  } finally {
    await new Promise((resolve) => server.server.close(resolve));
  }
}

/** The batches a raw caller would build (each event with its idempotency key), sent `batchesInFlight` at a time. */
async function rawFetch(url: string, count: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const size = Math.min(eventsPerBatch, count - next);
      next += size;
      const items = Array.from({ length: size }, () => JSON.stringify({ ...sampleEvent(), idempotency_key: randomUUID() }));
      const response = await fetch(`${url}/events/batch`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": "bench" },
        body: `{"events":[${items.join(",")}]}`,
      });
      await response.json();
    }
  };
  await Promise.all(Array.from({ length: batchesInFlight }, worker));
  return Math.round(count / ((performance.now() - started) / 1000));
}

async function throughClient(url: string, count: number): Promise<number> {
  const client = new FluxaClient({ endpoint: url, apiKey: "bench", maxBatchEvents: eventsPerBatch, maxConcurrentBatches: batchesInFlight, drainOnExit: false });
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, () => client.send(sampleEvent())));
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  return Math.round(count / seconds);
}

async function burstOf(url: string, offered: number): Promise<ClientBench["burst"]> {
  const client = new FluxaClient({
    endpoint: url,
    apiKey: "bench",
    maxBufferedEvents: burstBound.events,
    maxBufferedBytes: burstBound.bytes,
    maxBatchBytes: burstBound.bytes / 4,
    maxBatchEvents: eventsPerBatch,
    maxConcurrentBatches: batchesInFlight,
    drainOnExit: false,
  });
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = { events: 0, bytes: 0, heap: heapBefore };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { buffered, bufferedBytes } = client.stats();
      peak = { events: Math.max(peak.events, buffered), bytes: Math.max(peak.bytes, bufferedBytes), heap: Math.max(peak.heap, process.memoryUsage().heapUsed) };
      await sleep(2);
    }
  })();
  await Promise.all(Array.from({ length: offered }, () => client.send(sampleEvent())));
  sampling = false;
  await sampler;
  const { sent } = await client.close();
  return {
    offered,
    bound: burstBound,
    peakBufferedEvents: peak.events,
    peakBufferedBytes: peak.bytes,
    heapGrowthMb: round((peak.heap - heapBefore) / 1024 / 1024),
    sent,
  };
}

/** Answers each POST /events/batch 207 with every event enqueued, after `delayMs`. */
async function startBatchServer(): Promise<{ server: Server; url: string; delayMs: number }> {
  const handle = { delayMs: 0 } as { server: Server; url: string; delayMs: number };
  handle.server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const { events: batch } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { events: unknown[] };
      const results = batch.map((_, index) => ({ index, event_id: randomUUID(), status: "enqueued" }));
      setTimeout(() => {
        response.writeHead(207, { "content-type": "application/json" });
        response.end(JSON.stringify({ results }));
      }, handle.delayMs);
    });
  });
  await new Promise<void>((resolve) => handle.server.listen(0, "127.0.0.1", resolve));
  handle.url = `http://127.0.0.1:${(handle.server.address() as AddressInfo).port}`;
  return handle;
}
