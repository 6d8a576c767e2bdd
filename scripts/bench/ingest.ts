import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import type { S3Client } from "@aws-sdk/client-s3";
import { PurgeQueueCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { s3PayloadStore } from "../../functions/adapters/s3-payload-store";
import { sqsEventQueue } from "../../functions/adapters/sqs-event-queue";
import { ingestEvent } from "../../functions/ingest/core";
import { decodeEventInput } from "../../functions/shared/event-schema";
import { randomIds, systemClock } from "../../functions/shared/ids";
import type { LocalStack } from "../local-stack/local-stack";
import { eventBody } from "./fixtures";
import type { IngestFloorComparison } from "./ingest-floor";
import { progress, ratio, summariseLatencies, type LatencySummary } from "./measure";
import { defaultSourceName } from "../../functions/shared/sources";

export interface IngestRun {
  readonly requestsPerSecond: number;
  readonly latency: LatencySummary;
  readonly statusCounts: Record<string, number>;
  readonly errors: number;
}

export interface IngestComparison {
  readonly connections: number;
  readonly seconds: number;
  readonly localApi: IngestRun;
  readonly bareServer: IngestRun;
  readonly ratioToBareServer: number;
  /** The single-event and batch handlers against their raw SQS calls, invoked alike (ingest-floor.ts). */
  readonly floors: readonly IngestFloorComparison[];
}

/** Connections of the ingest load; the bench's stack runs as many ingest environments (see run.ts). */
export const ingestConnections = 8;
const measuredSeconds = 8;
const warmupSeconds = 2;

/**
 * POST /events through the local API (gateway emulation, ingest bundle in its Lambda worker)
 * against a bare Node HTTP server that runs the same ingest core with the same SQS adapter, so
 * the difference is what the API and Lambda emulation cost. Both send to the stack's queue.
 */
export async function compareIngest(stack: LocalStack, clients: { sqs: SQSClient; s3: S3Client }, apiKey: string): Promise<Omit<IngestComparison, "floors">> {
  const bare = await startBareIngestServer(stack, clients);
  try {
    const localApi = await load("POST /events, local API", `${stack.apiUrl}/events`, apiKey, clients.sqs, stack.queueUrl);
    const bareServer = await load("POST /events, bare Node server", `${bare.url}/events`, apiKey, clients.sqs, stack.queueUrl);
    return {
      connections: ingestConnections,
      seconds: measuredSeconds,
      localApi,
      bareServer,
      ratioToBareServer: ratio(localApi.requestsPerSecond, bareServer.requestsPerSecond),
    };
  } finally {
    await new Promise((resolve) => bare.server.close(resolve));
  }
}

async function load(label: string, url: string, apiKey: string, sqs: SQSClient, queueUrl: string): Promise<IngestRun> {
  await cannon(url, apiKey, warmupSeconds);
  const bar = progress(label);
  const latencies: number[] = [];
  const started = Date.now();
  const ticker = setInterval(() => bar.update(Math.min(measuredSeconds, Math.round((Date.now() - started) / 1000)), measuredSeconds), 1000);
  const result = await cannon(url, apiKey, measuredSeconds, (status, ms) => status === 202 && latencies.push(ms)).finally(() =>
    clearInterval(ticker),
  );
  // The processor drains what was sent in the background; a fresh queue keeps the next run from paying for it.
  await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  const statusCounts = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]));
  const run = {
    requestsPerSecond: Math.round((statusCounts["202"] ?? 0) / result.duration),
    latency: summariseLatencies(latencies),
    statusCounts,
    errors: result.errors + result.timeouts + result.non2xx,
  };
  bar.done(`${run.requestsPerSecond} req/s, p95 ${run.latency.p95Ms} ms, ${run.errors} errors`);
  return run;
}

function cannon(url: string, apiKey: string, seconds: number, onResponse?: (status: number, ms: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const options = {
      url,
      method: "POST" as const,
      connections: ingestConnections,
      duration: seconds,
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: eventBody,
    };
    const instance = autocannon(options, (error, result) => (error ? reject(error as Error) : resolve(result)));
    if (onResponse) instance.on("response", (_client, status, _bytes, ms) => onResponse(status, ms));
  });
}

/** Node's http server around the ingest core: no gateway, no Lambda runtime, no logs or metrics. */
async function startBareIngestServer(stack: LocalStack, clients: { sqs: SQSClient; s3: S3Client }): Promise<{ server: Server; url: string }> {
  const ports = {
    queue: sqsEventQueue(clients.sqs, stack.queueUrl),
    payloads: s3PayloadStore(clients.s3, stack.bucket),
    clock: systemClock,
    ids: randomIds(),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const decoded = decodeEventInput(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      if (!decoded.ok) return void response.writeHead(400).end();
      ingestEvent(ports, { largePayloadThresholdBytes: 262_144 }, defaultSourceName, decoded.event, randomUUID()).then(
        (accepted) => {
          response.writeHead(202, { "content-type": "application/json" });
          response.end(JSON.stringify({ event_id: accepted.eventId, status: "enqueued" }));
        },
        () => response.writeHead(503).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
