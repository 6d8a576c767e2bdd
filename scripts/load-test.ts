/**
 * `npm run load-test`: POST /events against any Fluxa endpoint, local or deployed, with a progress
 * bar and a summary of the figures the seed's "metrics to capture" table asks for.
 */
import autocannon from "autocannon";
import { eventBody } from "./bench/fixtures";
import { summariseLatencies } from "./bench/measure";
import { type CommandSpec, type OptionSpec, UsageError, integerSetting, parseCli, requireSettings, runCli, usage } from "./lib/cli";

export const loadTestCommand = {
  name: "load-test",
  summary:
    "Sends POST /events requests, a fixed number at a time, and prints throughput, latency percentiles and errors by\n" +
    "status. Exits with status 1 if any request was not accepted (202).",
  options: {
    endpoint: { env: "API_ENDPOINT", placeholder: "url", description: "API base URL: the stack's api_endpoint, or the local stack's URL" },
    key: { env: "API_KEY", placeholder: "key", description: "API key, sent as x-api-key" },
    events: { env: "NUM_EVENTS", default: "2000", placeholder: "n", description: "requests to send" },
    concurrency: { env: "CONCURRENCY", default: "50", placeholder: "n", description: "connections sending at once" },
  },
  examples: [
    "API_ENDPOINT=$(pulumi stack output api_endpoint) API_KEY=$(pulumi stack output api_key --show-secrets) NUM_EVENTS=2000 CONCURRENCY=50 npm run load-test",
    `npm run load-test -- --endpoint http://127.0.0.1:3000 --key "$(cat .fluxa/api-key)" --events 500`,
  ],
} satisfies CommandSpec<Record<string, OptionSpec>>;

interface Settings {
  readonly eventsUrl: string;
  readonly apiKey: string;
  readonly numEvents: number;
  readonly concurrency: number;
}

export interface LoadTestOutcome {
  readonly numEvents: number;
  readonly seconds: number;
  /** Requests answered, by HTTP status. */
  readonly byStatus: Readonly<Record<string, number>>;
  readonly connectionErrors: number;
  readonly timeouts: number;
  /** Milliseconds from request to answer, one per answered request. */
  readonly latencies: readonly number[];
}

function run(settings: Settings): Promise<LoadTestOutcome> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const options = {
      url: settings.eventsUrl,
      method: "POST" as const,
      amount: settings.numEvents,
      connections: Math.min(settings.concurrency, settings.numEvents),
      headers: { "content-type": "application/json", "x-api-key": settings.apiKey },
      body: eventBody,
    };
    const instance = autocannon(options, (error, result) => {
      if (error) return reject(error as Error);
      resolve({
        numEvents: settings.numEvents,
        seconds: result.duration,
        byStatus: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0])),
        connectionErrors: result.errors,
        timeouts: result.timeouts,
        latencies,
      });
    });
    instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
    autocannon.track(instance, { renderProgressBar: true, renderResultsTable: false, renderLatencyTable: false });
  });
}

/** The summary lines, named after the seed's metrics; `failed` counts requests not answered 202. */
export function summarise(eventsUrl: string, concurrency: number, outcome: LoadTestOutcome): { text: string; failed: number } {
  const accepted = outcome.byStatus["202"] ?? 0;
  const latency = summariseLatencies([...outcome.latencies]);
  const perSecond = accepted / outcome.seconds;
  const errors = [
    ...Object.entries(outcome.byStatus)
      .filter(([status]) => status !== "202")
      .map(([status, count]) => `${status}: ${count}`),
    ...(outcome.connectionErrors > 0 ? [`connection errors: ${outcome.connectionErrors}`] : []),
    ...(outcome.timeouts > 0 ? [`timeouts: ${outcome.timeouts}`] : []),
  ];
  const text = [
    `POST ${eventsUrl}: ${outcome.numEvents} requests, ${concurrency} at a time, ${outcome.seconds.toFixed(1)} s`,
    `accepted (202)             ${accepted}`,
    `throughput                 ${perSecond.toFixed(1)} events/s (throughput_events_per_min ${Math.round(perSecond * 60)})`,
    `latency p50 / p95 / p99    ${latency.p50Ms} / ${latency.p95Ms} / ${latency.p99Ms} ms (ingest_p95_ms ${latency.p95Ms}), max ${latency.maxMs} ms`,
    `errors by status           ${errors.length > 0 ? errors.join(", ") : "none"}`,
  ].join("\n");
  return { text, failed: outcome.numEvents - accepted };
}

async function main(): Promise<number> {
  const values = parseCli(loadTestCommand, process.argv.slice(2), process.env);
  if (!values) {
    console.log(usage(loadTestCommand));
    return 0;
  }
  requireSettings(loadTestCommand, values, ["endpoint", "key"]);
  const endpoint = values.endpoint!;
  if (!/^https?:\/\//.test(endpoint)) throw new UsageError(`--endpoint must be an http(s):// URL, got ${JSON.stringify(endpoint)}`);
  const settings = {
    eventsUrl: `${endpoint.replace(/\/+$/, "")}/events`,
    apiKey: values.key!,
    numEvents: integerSetting("events", values.events, { min: 1, max: 10_000_000 }),
    concurrency: integerSetting("concurrency", values.concurrency, { min: 1, max: 10_000 }),
  };
  const outcome = await run(settings);
  const { text, failed } = summarise(settings.eventsUrl, settings.concurrency, outcome);
  console.log(`\n${text}`);
  return failed === 0 ? 0 : 1;
}

if (require.main === module) runCli(loadTestCommand.name, main);
