import { expect } from "chai";
import fc from "fast-check";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { sql } from "slonik";
import { eventually, startTestStack, type TestStack } from "../../scripts/lib/local-stack-client";
import { apiKeyPlaceholder, fuzzMaxBodyBytes, fuzzRequest, seedCorpus, type FuzzRequest } from "./http-requests";

/**
 * Hostile input, over HTTP against the local stack: at least 1,000 generated requests (plus the seed
 * corpus) per run. FUZZ_SEED replays a run (fast-check prints the seed of a failure); FUZZ_RUNS
 * changes how many requests are generated.
 */
const numRuns = Number(process.env.FUZZ_RUNS ?? 1_000);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

interface Answer {
  readonly status: number;
  readonly correlationId: string | null;
  readonly text: string;
}

async function send(t: TestStack, request: FuzzRequest): Promise<Answer> {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, value === apiKeyPlaceholder ? t.apiKey : value]));
  const body = request.bodyBase64 !== undefined ? Buffer.from(request.bodyBase64, "base64") : request.body;
  const response = await fetch(`${t.stack.apiUrl}${request.path}`, { method: request.method, headers, body: request.method === "GET" ? undefined : body });
  return { status: response.status, correlationId: response.headers.get("x-correlation-id"), text: await response.text() };
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

describe("hostile input: property-based fuzz of the HTTP API", function () {
  this.timeout(600_000);
  let t: TestStack;
  /** event_id -> the body that was sent, for every request answered 202. */
  const accepted = new Map<string, string>();
  const statuses = new Map<string, number>();
  let sent = 0;

  before(async () => {
    t = await startTestStack({
      // A small body limit keeps oversize requests cheap; a small S3 threshold sends many valid events through S3.
      functionEnvironment: { ingest: { MAX_BODY_BYTES: String(fuzzMaxBodyBytes), LARGE_PAYLOAD_THRESHOLD_BYTES: "1024" } },
    });
  });
  after(async () => {
    await t?.stop();
  });

  it(`answers every hostile request with a 4xx and a JSON error body, and every valid one with 202, each with X-Correlation-ID (${numRuns} generated + seed corpus)`, async () => {
    const corpus = seedCorpus();
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (request) => {
        const answer = await send(t, request);
        sent += 1;
        const key = `${request.mustReject ? "hostile" : "valid"} ${answer.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const body = jsonObject(answer.text);
        const what = `${request.label}: ${answer.status} ${answer.text.slice(0, 300)}`;
        expect(answer.status, what).to.be.below(500);
        expect(body, `${what} (body is not a JSON object)`).to.not.equal(undefined);
        expect(answer.correlationId, `${what} (no X-Correlation-ID)`).to.be.a("string");
        if (request.mustReject) {
          expect(answer.status, what).to.be.within(400, 499);
          expect([typeof body?.error, typeof body?.message], `${what} (not the error shape)`).to.deep.equal(["string", "string"]);
        } else {
          expect(answer.status, what).to.equal(202);
          accepted.set(String(body?.event_id), request.body ?? "");
        }
      }),
      // fast-check counts the examples among numRuns: the corpus comes on top of the generated requests.
      { numRuns: numRuns + corpus.length, seed, examples: corpus.map((request) => [request]), endOnFailure: false },
    );
    expect(sent).to.be.at.least(numRuns + corpus.length);
    console.log(`      ${sent} requests: ${[...statuses].sort().map(([k, n]) => `${k}: ${n}`).join(", ")}`);
    const health = await fetch(`${t.stack.apiUrl}/health`);
    expect(health.status, "the API is still up").to.equal(200);
  });

  it("lets nothing invalid reach the queue or the table, and stores every accepted event exactly as sent", async () => {
    await eventually(
      "the queue to drain",
      async () => ((await depth(t, t.stack.queueUrl)) === 0 ? true : undefined),
      600,
    );
    expect(await depth(t, t.stack.dlqUrl), "messages in the DLQ").to.equal(0);
    const ids = await t.db.anyFirst(sql.unsafe`SELECT event_id FROM events`);
    expect(ids.length, "rows in the table").to.equal(accepted.size);
    // Read back through GET /events/{id}: what a client sees is what must equal what it sent.
    for (const id of ids.map(String)) {
      const sentText = accepted.get(id);
      expect(sentText, `row ${id} was never accepted`).to.be.a("string");
      const response = await fetch(`${t.stack.apiUrl}/events/${id}`, { headers: { "x-api-key": t.apiKey } });
      expect(response.status, `GET /events/${id}`).to.equal(200);
      const { user_id, amount, currency, merchant, timestamp, metadata } = (await response.json()) as Record<string, unknown>;
      const sentEvent = JSON.parse(sentText ?? "") as Record<string, unknown>;
      const stored = { user_id, amount, currency, merchant, timestamp: Date.parse(String(timestamp)), metadata: metadata ?? undefined };
      const expected = { ...sentEvent, timestamp: Date.parse(String(sentEvent.timestamp)), metadata: sentEvent.metadata };
      expect(stored, `event ${id}`).to.deep.equal(expected);
    }
    const unprocessed = t.logs.filter((l) => l.function === "processor" && l.msg === "message not processed");
    expect(unprocessed, "processor failures").to.deep.equal([]);
  });
});

async function depth(t: TestStack, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await t.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}
