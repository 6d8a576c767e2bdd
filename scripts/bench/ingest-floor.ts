import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { queueEntryOf, type QueueEntry } from "../../functions/adapters/sqs-event-queue";
import { routes } from "../../functions/topology";
import { matchRoute, proxyEvent } from "../local-stack/api-gateway-event";
import type { LambdaFunctions } from "../local-stack/local-stack";
import { eventBody, queueMessage } from "./fixtures";
import { median, progress, ratio, timed } from "./measure";
import type { BenchFunctions } from "./floor-functions";
import { combined, throughput, type Throughput } from "./processor";

/** Ingest's handler against its floor, both invoked in their emulated Lambda environments one request at a time. */
export interface IngestFloorComparison {
  readonly route: "/events" | "/events/batch";
  readonly eventsPerRequest: number;
  readonly handler: Throughput & { readonly invokeMs: number; readonly handlerMs: number };
  /** The same envelopes sent raw: SendMessage for one, SendMessageBatch calls of 10 for a batch (scripts/bench/floor-bundles/ingest.ts). */
  readonly floor: Throughput & { readonly invokeMs: number };
  readonly ratioToFloor: number;
}

/** Interleaved rounds, as the processor's ways; requests per way and round. */
const rounds = 3;
const requestsPerRound = { "/events": 300, "/events/batch": 30 } as const;
const batchEvents = 100;

interface IngestWay {
  readonly label: string;
  readonly input: () => unknown;
  readonly run: (input: unknown) => Promise<number>;
}

/**
 * POST /events with one event and POST /events/batch with 100, each against a raw SendMessage (or
 * SendMessageBatch calls) of the envelopes the handler would send, to the same queue through the same
 * client settings and emulator. The handler gets the proxy event the local API Gateway builds; its
 * floor gets the envelopes ready-made. The handler's own time is its `ingest_latency_ms` lines.
 */
export async function compareIngestToFloors({ functions, ingestHandlerMs: handlerMs }: BenchFunctions, apiKey: string): Promise<IngestFloorComparison[]> {
  const results: IngestFloorComparison[] = [];
  for (const route of ["/events", "/events/batch"] as const) {
    const eventsPerRequest = route === "/events" ? 1 : batchEvents;
    const body = route === "/events" ? eventBody : JSON.stringify({ events: Array.from({ length: batchEvents }, () => JSON.parse(eventBody) as unknown) });
    const accepted = route === "/events" ? 202 : 207;
    const ways = {
      handler: {
        label: `ingest ${route} (${eventsPerRequest} per request)`,
        input: () => apiRequest(route, body, apiKey),
        run: (event: unknown) => timed(() => invokeExpecting(functions, "ingest", event, accepted)),
      },
      floor: {
        label: `floor bundle: raw ${eventsPerRequest === 1 ? "SendMessage" : "SendMessageBatch ×10"}`,
        input: () => ({ entries: envelopes(eventsPerRequest) }),
        run: (event: unknown) => timed(() => invokeExpecting(functions, "ingest-floor", event, accepted)),
      },
    } satisfies Record<string, IngestWay>;
    const runs = { handler: [] as Throughput[], floor: [] as Throughput[] };
    const invokeMs = { handler: [] as number[], floor: [] as number[] };
    const handlerMsBefore = handlerMs.length;
    for (let pass = 1; pass <= rounds; pass++) {
      for (const way of ["handler", "floor"] as const) {
        const label = `${ways[way].label}, round ${pass}/${rounds}`;
        runs[way].push(await measureRequests(label, requestsPerRound[route], eventsPerRequest, ways[way], invokeMs[way]));
      }
    }
    const handler = { ...combined(runs.handler), invokeMs: median(invokeMs.handler), handlerMs: median(handlerMs.slice(handlerMsBefore)) };
    const floor = { ...combined(runs.floor), invokeMs: median(invokeMs.floor) };
    results.push({ route, eventsPerRequest, handler, floor, ratioToFloor: ratio(handler.eventsPerSecond, floor.eventsPerSecond) });
  }
  return results;
}

/** One unmeasured request first, then `requests` back to back; inputs are made before the clock starts. */
async function measureRequests(label: string, requests: number, eventsPerRequest: number, way: IngestWay, invokeMs: number[]): Promise<Throughput> {
  await way.run(way.input());
  const inputs = Array.from({ length: requests }, way.input);
  const bar = progress(label);
  const started = process.hrtime.bigint();
  for (const [index, input] of inputs.entries()) {
    invokeMs.push(await way.run(input));
    bar.update(index + 1, requests);
  }
  const result = throughput(requests * eventsPerRequest, Number(process.hrtime.bigint() - started) / 1e9);
  bar.done(`${result.eventsPerSecond} events/s`);
  return result;
}

/** The proxy event the local API Gateway hands ingest for this request. */
function apiRequest(route: "/events" | "/events/batch", body: string, apiKey: string): APIGatewayProxyEvent {
  const match = matchRoute(routes, "POST", route);
  if (!match.found) throw new Error(`no route POST ${route} in the topology`);
  const rawHeaders = ["Host", "127.0.0.1", "Content-Type", "application/json", "x-api-key", apiKey];
  return proxyEvent(
    { method: "POST", url: route, rawHeaders, body: Buffer.from(body), sourceIp: "127.0.0.1", httpVersion: "1.1" },
    match,
    { requestId: randomUUID(), stage: "local", receivedAt: new Date(), apiKey },
  );
}

/** What ingest would send for `count` fresh events: its envelopes, as its SQS adapter builds them. */
function envelopes(count: number): QueueEntry[] {
  const correlationId = `bench-ingest-floor-${randomUUID()}`;
  return Array.from({ length: count }, () => queueEntryOf(queueMessage(correlationId)));
}

async function invokeExpecting(functions: LambdaFunctions, name: string, event: unknown, status: number): Promise<void> {
  const response = (await functions.invoke(name, event)) as APIGatewayProxyResult;
  if (response.statusCode !== status) throw new Error(`${name} answered ${response.statusCode}, not ${status}: ${response.body.slice(0, 300)}`);
  // A 207 with an unsent event is still a 207: the batch handler says so per event.
  if (status === 207 && response.body.includes('"enqueue_failed"')) throw new Error(`${name} failed to enqueue part of a batch: ${response.body.slice(0, 300)}`);
}
