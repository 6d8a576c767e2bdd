/**
 * `npm run load-test`: POST /events against any Fluxa endpoint, local or deployed, with a progress
 * bar and a summary of the figures the seed's "metrics to capture" table asks for.
 */
import autocannon from "autocannon";
import { eventBody } from "./bench/fixtures";
import { summariseLatencies } from "./bench/measure";

const usage = `Usage: API_ENDPOINT=<url> API_KEY=<key> [NUM_EVENTS=2000] [CONCURRENCY=50] npm run load-test

Sends NUM_EVENTS POST /events requests, CONCURRENCY at a time, and prints throughput, latency
percentiles and errors by status. Exits with status 1 if any request was not accepted (202).

  API_ENDPOINT  the API's base URL, e.g. https://<id>.execute-api.<region>.amazonaws.com/dev
                or http://127.0.0.1:3000 for \`npm start\`
  API_KEY       a key the API accepts in x-api-key (\`npm start\` prints the local one)
  NUM_EVENTS    requests to send (default 2000)
  CONCURRENCY   connections sending at once (default 50)
`;

interface Settings {
  readonly eventsUrl: string;
  readonly apiKey: string;
  readonly numEvents: number;
  readonly concurrency: number;
}

class UsageError extends Error {}

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const required = (name: string) => {
    const value = env[name]?.trim();
    if (!value) throw new UsageError(`${name} is not set`);
    return value;
  };
  const count = (name: string, fallback: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^[1-9]\d*$/.test(raw)) throw new UsageError(`${name} must be a positive whole number, got "${raw}"`);
    return Number(raw);
  };
  const endpoint = required("API_ENDPOINT");
  if (!/^https?:\/\//.test(endpoint)) throw new UsageError(`API_ENDPOINT must be an http(s):// URL, got "${endpoint}"`);
  return {
    eventsUrl: `${endpoint.replace(/\/+$/, "")}/events`,
    apiKey: required("API_KEY"),
    numEvents: count("NUM_EVENTS", 2000),
    concurrency: count("CONCURRENCY", 50),
  };
}

function run(settings: Settings): Promise<{ result: autocannon.Result; latencies: number[] }> {
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
    const instance = autocannon(options, (error, result) => (error ? reject(error as Error) : resolve({ result, latencies })));
    instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
    autocannon.track(instance, { renderProgressBar: true, renderResultsTable: false, renderLatencyTable: false });
  });
}

function summary(settings: Settings, result: autocannon.Result, latencies: number[]): { text: string; failed: number } {
  const byStatus = Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0] as const);
  const accepted = byStatus.find(([status]) => status === "202")?.[1] ?? 0;
  const failed = settings.numEvents - accepted;
  const latency = summariseLatencies(latencies);
  const perSecond = accepted / result.duration;
  const errors = [
    ...byStatus.filter(([status]) => status !== "202").map(([status, count]) => `${status}: ${count}`),
    ...(result.errors > 0 ? [`connection errors: ${result.errors}`] : []),
    ...(result.timeouts > 0 ? [`timeouts: ${result.timeouts}`] : []),
  ];
  const text = [
    `POST ${settings.eventsUrl}: ${settings.numEvents} requests, ${settings.concurrency} at a time, ${result.duration.toFixed(1)} s`,
    `accepted (202)             ${accepted}`,
    `throughput                 ${perSecond.toFixed(1)} events/s (throughput_events_per_min ${Math.round(perSecond * 60)})`,
    `latency p50 / p95 / p99    ${latency.p50Ms} / ${latency.p95Ms} / ${latency.p99Ms} ms (ingest_p95_ms ${latency.p95Ms}), max ${latency.maxMs} ms`,
    `errors by status           ${errors.length > 0 ? errors.join(", ") : "none"}`,
  ].join("\n");
  return { text, failed };
}

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    process.stdout.write(usage);
    return;
  }
  let settings: Settings;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`load-test: ${error.message}\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const { result, latencies } = await run(settings);
  const { text, failed } = summary(settings, result, latencies);
  console.log(`\n${text}`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
