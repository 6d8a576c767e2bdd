/**
 * `npm run seed-events`: posts a varied sample set of events (inline ones, and one whose message
 * exceeds SQS's 256 KiB so that it travels through S3) to a Fluxa API and reports what was accepted.
 */
import { randomBytes } from "node:crypto";
import type { EventInput } from "../functions/shared/event-schema";
import { type CommandSpec, type OptionSpec, integerSetting, parseCli, requireSettings, runCli, usage } from "./lib/cli";
import { apiClient, describeResponse, type ApiClient } from "./lib/http";
import { progress } from "./lib/progress";
import { formatTable } from "./lib/table";

export const seedCommand = {
  name: "seed-events",
  summary: "Posts the sample set (7 inline events and one of about 300 KB that goes through S3) to POST /events.",
  options: {
    endpoint: { env: "API_ENDPOINT", placeholder: "url", description: "API base URL: the stack's api_endpoint, or the local stack's URL" },
    key: { env: "API_KEY", placeholder: "key", description: "API key, sent as x-api-key" },
    repeat: { default: "1", placeholder: "n", description: "post the sample set this many times" },
    concurrency: { default: "4", placeholder: "n", description: "requests in flight at once" },
  },
  examples: [
    `npm run seed-events -- --endpoint http://127.0.0.1:3000 --key "$(cat .fluxa/api-key)"`,
    "API_ENDPOINT=$(pulumi stack output api_endpoint) API_KEY=$(pulumi stack output api_key --show-secrets) npm run seed-events -- --repeat 10",
  ],
} satisfies CommandSpec<Record<string, OptionSpec>>;

export interface Sample {
  readonly label: string;
  readonly event: EventInput;
}

/** Above the ingest function's 262,144-byte threshold once wrapped in its queue message. */
const largeMetadataBytes = 300 * 1024;

/**
 * The sample set: currencies with and without minor units, a refund, Unicode, an offset timestamp,
 * no metadata, nested metadata, and one large payload. `run` tags user ids so a run can be found again.
 */
export function sampleSet(run: string, now: Date): Sample[] {
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  const user = (name: string) => `seed-${run}-${name}`;
  return [
    { label: "card purchase", event: { user_id: user("alice"), amount: 99.99, currency: "USD", merchant: "Amazon", timestamp: at(1), metadata: { source: "web", campaign: "summer_sale" } } },
    { label: "refund (negative amount)", event: { user_id: user("alice"), amount: -20, currency: "EUR", merchant: "Zalando", timestamp: at(2), metadata: { source: "api", reason: "return" } } },
    { label: "no metadata", event: { user_id: user("bob"), amount: 12.5, currency: "GBP", merchant: "Tesco", timestamp: at(3) } },
    { label: "zero-decimal currency", event: { user_id: user("chiyo"), amount: 1500, currency: "JPY", merchant: "Lawson", timestamp: at(4), metadata: { store: 4411 } } },
    { label: "Unicode merchant", event: { user_id: user("dora"), amount: 4.2, currency: "CHF", merchant: "Café Zürich ☕", timestamp: at(5), metadata: { note: "früh — 早い" } } },
    {
      label: "offset timestamp",
      event: { user_id: user("emil"), amount: 250, currency: "INR", merchant: "Chai Point", timestamp: "2026-11-25T09:15:30.250+05:30", metadata: { channel: "pos" } },
    },
    {
      label: "nested metadata",
      event: {
        user_id: user("bob"),
        amount: 42.97,
        currency: "USD",
        merchant: "Bookshop",
        timestamp: at(6),
        metadata: { cart: [{ sku: "B-1", qty: 2, price: 14.99 }, { sku: "B-7", qty: 1, price: 12.99 }], gift: false, coupon: null },
      },
    },
    {
      label: "large payload (S3)",
      event: { user_id: user("frank"), amount: 1, currency: "USD", merchant: "Archive", timestamp: at(7), metadata: { attachment: "x".repeat(largeMetadataBytes) } },
    },
  ];
}

export interface PostOutcome {
  readonly sample: Sample;
  readonly status: number;
  readonly eventId?: string;
  readonly problem?: string;
}

export async function postSample(api: ApiClient, sample: Sample, correlationId: string): Promise<PostOutcome> {
  try {
    const response = await api("POST", "/events", { body: sample.event, headers: { "X-Correlation-ID": correlationId } });
    const body = response.body as { event_id?: unknown; status?: unknown };
    if (response.status === 202 && typeof body.event_id === "string" && body.status === "enqueued") {
      return { sample, status: 202, eventId: body.event_id };
    }
    return { sample, status: response.status, problem: describeResponse(response) };
  } catch (error) {
    return { sample, status: 0, problem: `request failed: ${(error as Error).message}` };
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Per sample: how many were sent and accepted, and one event id to look up. */
export function summaryTable(outcomes: readonly PostOutcome[]): string {
  const labels = [...new Set(outcomes.map((o) => o.sample.label))];
  const rows = labels.map((label) => {
    const mine = outcomes.filter((o) => o.sample.label === label);
    const accepted = mine.filter((o) => o.status === 202);
    return [label, String(mine.length), String(accepted.length), accepted[0]?.eventId ?? "-"];
  });
  return formatTable(["sample", "sent", "accepted", "an event_id"], rows);
}

async function main(): Promise<number> {
  const values = parseCli(seedCommand, process.argv.slice(2), process.env);
  if (!values) {
    console.log(usage(seedCommand));
    return 0;
  }
  requireSettings(seedCommand, values, ["endpoint", "key"]);
  const repeat = integerSetting("repeat", values.repeat, { min: 1, max: 10_000 });
  const concurrency = integerSetting("concurrency", values.concurrency, { min: 1, max: 256 });
  const run = randomBytes(4).toString("hex");
  const samples = Array.from({ length: repeat }, () => sampleSet(run, new Date())).flat();
  const api = apiClient(values.endpoint!, values.key!);

  console.error(`seed run ${run}: posting ${samples.length} events to ${values.endpoint}/events`);
  const shown = progress("posted", samples.length);
  const outcomes = await mapLimited(samples, concurrency, async (sample, index) => {
    const outcome = await postSample(api, sample, `seed-${run}-${index + 1}`);
    shown.tick();
    return outcome;
  });
  shown.done();

  console.log(summaryTable(outcomes));
  const failed = outcomes.filter((o) => o.status !== 202);
  for (const f of failed.slice(0, 20)) console.log(`rejected: ${f.sample.label}: ${f.problem}`);
  console.log(`\n${outcomes.length - failed.length} of ${outcomes.length} accepted; user ids start with seed-${run}-, correlation ids with seed-${run}-`);
  return failed.length === 0 ? 0 : 1;
}

if (require.main === module) runCli(seedCommand.name, main);
