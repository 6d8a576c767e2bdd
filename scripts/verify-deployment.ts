/**
 * `npm run verify-deployment`: the seed's "portfolio proof" checklist, run against a deployed stack
 * (or the local stack): health, ingest, query within 30 s, DLQ empty, alarms OK, as a pass/fail table.
 */
import { GetQueueAttributesCommand, SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";
import { CloudWatchClient, paginateDescribeAlarms } from "@aws-sdk/client-cloudwatch";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { type CommandSpec, type OptionSpec, integerSetting, parseCli, requireSettings, runCli, usage } from "./lib/cli";
import { apiClient, describeResponse, type ApiClient } from "./lib/http";
import { formatTable } from "./lib/table";
import { stackOutputNames } from "../components/stack-outputs";

export const verifyCommand = {
  name: "verify-deployment",
  summary: [
    "Runs the portfolio-proof checklist and prints a pass/fail table; exits 1 if a check fails.",
    "With --stack, settings not given otherwise come from `pulumi stack output` and alarms are checked",
    "(fluxa-*-<stack>, with the AWS credentials of the environment). Without a DLQ URL or a stack, those checks are skipped.",
  ].join("\n"),
  options: {
    stack: { env: "PULUMI_STACK", placeholder: "name", description: "Pulumi stack whose outputs and alarms to use" },
    endpoint: { env: "API_ENDPOINT", placeholder: "url", description: "API base URL (output api_endpoint)" },
    key: { env: "API_KEY", placeholder: "key", description: "API key (output api_key)" },
    "dlq-url": { env: "DLQ_URL", placeholder: "url", description: "dead-letter queue URL (output dlq_url)" },
    timeout: { default: "30", placeholder: "seconds", description: "how long an ingested event may take to become readable" },
  },
  examples: [
    "npm run verify-deployment -- --stack dev",
    `npm run verify-deployment -- --endpoint http://127.0.0.1:3000 --key "$(cat .fluxa/api-key)" --dlq-url <queue URL from npm start>-dlq`,
  ],
} satisfies CommandSpec<Record<string, OptionSpec>>;

export interface CheckResult {
  readonly check: string;
  readonly outcome: "pass" | "fail" | "skip";
  readonly detail: string;
}

/** A check's dependency: how to probe it, or why it cannot be probed here. */
export type Probe<T> = { readonly run: () => Promise<T> } | { readonly skipped: string };

export interface AlarmState {
  readonly AlarmName: string;
  readonly StateValue: string;
}

export interface VerifyDeps {
  readonly api: ApiClient;
  readonly dlqDepth: Probe<{ visible: number; inFlight: number }>;
  readonly alarms: Probe<CheckResult>;
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly say?: (line: string) => void;
}

const pass = (check: string, detail: string): CheckResult => ({ check, outcome: "pass", detail });
const fail = (check: string, detail: string): CheckResult => ({ check, outcome: "fail", detail });
const skip = (check: string, detail: string): CheckResult => ({ check, outcome: "skip", detail });

export async function runChecks(deps: VerifyDeps): Promise<CheckResult[]> {
  const say = deps.say ?? (() => undefined);
  const results: CheckResult[] = [];
  const attempt = async (check: string, probe: () => Promise<CheckResult>) => {
    say(`checking ${check}…`);
    try {
      results.push(await probe());
    } catch (error) {
      results.push(fail(check, (error as Error).message));
    }
    return results[results.length - 1];
  };

  await attempt("health", async () => {
    const response = await deps.api("GET", "/health", { withKey: false });
    const healthy = response.status === 200 && (response.body as { status?: unknown }).status === "healthy";
    return healthy ? pass("health", 'GET /health: 200 {"status":"healthy"}') : fail("health", `GET /health: ${describeResponse(response)}`);
  });

  const correlationId = `verify-${randomBytes(6).toString("hex")}`;
  const event = {
    user_id: "verify-deployment",
    amount: 99.99,
    currency: "USD",
    merchant: "Fluxa verification",
    timestamp: new Date().toISOString(),
    metadata: { source: "verify-deployment" },
  };
  let eventId: string | undefined;
  await attempt("ingest", async () => {
    const response = await deps.api("POST", "/events", { body: event, headers: { "X-Correlation-ID": correlationId } });
    const body = response.body as { event_id?: unknown; status?: unknown };
    if (response.status !== 202 || typeof body.event_id !== "string" || body.status !== "enqueued") {
      return fail("ingest", `POST /events: ${describeResponse(response)}`);
    }
    if (response.headers.get("x-correlation-id") !== correlationId) return fail("ingest", "X-Correlation-ID was not echoed");
    eventId = body.event_id;
    return pass("ingest", `202 enqueued, event_id ${eventId}`);
  });

  const seconds = deps.timeoutMs / 1000;
  const queryCheck = `query within ${seconds} s`;
  if (eventId === undefined) results.push(skip(queryCheck, "nothing was ingested"));
  else await attempt(queryCheck, () => awaitEvent(deps, eventId!, correlationId, queryCheck));

  await attempt("DLQ empty", async () => {
    if ("skipped" in deps.dlqDepth) return skip("DLQ empty", deps.dlqDepth.skipped);
    const { visible, inFlight } = await deps.dlqDepth.run();
    const detail = `${visible} visible, ${inFlight} in flight`;
    return visible + inFlight === 0 ? pass("DLQ empty", detail) : fail("DLQ empty", `${detail}: see docs/RUNBOOK.md (npm run dlq -- list)`);
  });

  await attempt("alarms OK", () => ("skipped" in deps.alarms ? Promise.resolve(skip("alarms OK", deps.alarms.skipped)) : deps.alarms.run()));
  return results;
}

async function awaitEvent(deps: VerifyDeps, eventId: string, correlationId: string, check: string): Promise<CheckResult> {
  const started = Date.now();
  let last = "no answer yet";
  while (Date.now() - started < deps.timeoutMs) {
    const response = await deps.api("GET", `/events/${eventId}`);
    if (response.status === 200) {
      const found = response.body as { event_id?: unknown; correlation_id?: unknown };
      if (found.event_id !== eventId || found.correlation_id !== correlationId) return fail(check, "GET answered 200 with another event");
      return pass(check, `readable after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    last = describeResponse(response);
    await new Promise((resolve) => setTimeout(resolve, deps.pollMs ?? 1_000));
  }
  return fail(check, `GET /events/${eventId} still answers ${last}`);
}

/** Alarms are named `fluxa-<subject>-<stack>` (components/names.ts); any in ALARM fails the check. */
export function alarmCheck(alarms: readonly AlarmState[], stack: string): CheckResult {
  const mine = alarms.filter((a) => a.AlarmName.startsWith("fluxa-") && a.AlarmName.endsWith(`-${stack}`));
  if (mine.length === 0) return fail("alarms OK", `no alarms named fluxa-*-${stack} in this account and region`);
  const firing = mine.filter((a) => a.StateValue === "ALARM").map((a) => a.AlarmName);
  const counts = new Map<string, number>();
  for (const a of mine) counts.set(a.StateValue, (counts.get(a.StateValue) ?? 0) + 1);
  const summary = `${mine.length} alarms: ${[...counts].map(([state, n]) => `${n} ${state}`).join(", ")}`;
  return firing.length === 0 ? pass("alarms OK", summary) : fail("alarms OK", `${summary}; firing: ${firing.join(", ")}`);
}

/** The region in an SQS or API Gateway URL (`sqs.eu-west-1.amazonaws.com`, `….execute-api.eu-west-1.amazonaws.com`). */
export function regionOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return /(?:^|\.)(?:sqs|execute-api)\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com$/.exec(new URL(url).hostname)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The local stack's queues are on a loopback emulator that checks no credentials: spare the caller from
 * setting any. Its endpoint is the queue URL's origin; without one the SDK sends to the QueueUrl's host
 * anyway, but warns on every call that it differs from the region's SQS endpoint.
 */
export function sqsClientConfig(dlqUrl: string, env: Readonly<Record<string, string | undefined>>): SQSClientConfig {
  const region = regionOf(dlqUrl) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  const url = new URL(dlqUrl);
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  return loopback ? { region, endpoint: url.origin, credentials: { accessKeyId: "local", secretAccessKey: "local" } } : { region };
}

export interface StackSettings {
  readonly endpoint?: string;
  readonly key?: string;
  readonly dlqUrl?: string;
}

/** The outputs index.ts exports, as the settings they supply. */
export function settingsFromOutputs(outputs: Readonly<Record<string, unknown>>): StackSettings {
  const text = (name: string) => (typeof outputs[name] === "string" ? (outputs[name]) : undefined);
  return { endpoint: text(stackOutputNames.apiEndpoint), key: text(stackOutputNames.apiKey), dlqUrl: text(stackOutputNames.deadLetterQueueUrl) };
}

const run = promisify(execFile);

/** Runs a CLI and parses its JSON output; undefined when the CLI is not installed. */
async function jsonFromCli(command: string, args: readonly string[]): Promise<unknown> {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as unknown;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`${command} ${args.slice(0, 3).join(" ")} failed: ${((error as { stderr?: string }).stderr ?? String(error)).trim()}`);
  }
}

async function stackSettings(stack: string | undefined): Promise<StackSettings | undefined> {
  if (!stack) return {};
  const outputs = await jsonFromCli("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", stack]);
  return outputs === undefined ? undefined : settingsFromOutputs(outputs as Record<string, unknown>);
}

function alarmProbe(stack: string | undefined, region: string | undefined): Probe<CheckResult> {
  if (!stack) return { skipped: "no --stack: alarms are found by name (fluxa-*-<stack>); the local stack has none" };
  const shortName = stack.split("/").pop()!;
  return {
    run: async () => {
      const cloudwatch = new CloudWatchClient(region ? { region } : {});
      try {
        const alarms: AlarmState[] = [];
        for await (const page of paginateDescribeAlarms({ client: cloudwatch }, { AlarmNamePrefix: "fluxa-" })) {
          for (const alarm of page.MetricAlarms ?? []) alarms.push({ AlarmName: alarm.AlarmName ?? "", StateValue: alarm.StateValue ?? "" });
        }
        return alarmCheck(alarms, shortName);
      } finally {
        cloudwatch.destroy();
      }
    },
  };
}

async function main(): Promise<number> {
  const values = parseCli(verifyCommand, process.argv.slice(2), process.env);
  if (!values) {
    console.log(usage(verifyCommand));
    return 0;
  }
  const timeoutSeconds = integerSetting("timeout", values.timeout, { min: 1, max: 600 });
  const fromStack = await stackSettings(values.stack);
  const settings = {
    ...values,
    endpoint: values.endpoint ?? fromStack?.endpoint,
    key: values.key ?? fromStack?.key,
    "dlq-url": values["dlq-url"] ?? fromStack?.dlqUrl,
  };
  requireSettings(verifyCommand, settings, ["endpoint", "key"], fromStack ? "" : " (the pulumi CLI is not installed, so --stack could not supply them)");
  const dlqUrl = settings["dlq-url"];
  const sqs = dlqUrl ? new SQSClient(sqsClientConfig(dlqUrl, process.env)) : undefined;
  try {
    const results = await runChecks({
      api: apiClient(settings.endpoint!, settings.key!),
      dlqDepth:
        sqs && dlqUrl
          ? {
              run: async () => {
                const { Attributes = {} } = await sqs.send(
                  new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
                );
                return { visible: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
              },
            }
          : { skipped: "no DLQ URL (--dlq-url, DLQ_URL or --stack)" },
      alarms: alarmProbe(values.stack, regionOf(settings.endpoint) ?? regionOf(dlqUrl)),
      timeoutMs: timeoutSeconds * 1000,
      say: (line) => console.error(line),
    });
    console.log(formatTable(["check", "result", "detail"], results.map((r) => [r.check, r.outcome === "fail" ? "FAIL" : r.outcome, r.detail])));
    const count = (outcome: CheckResult["outcome"]) => results.filter((r) => r.outcome === outcome).length;
    console.log(`\n${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped (${settings.endpoint})`);
    return count("fail") === 0 ? 0 : 1;
  } finally {
    sqs?.destroy();
  }
}

if (require.main === module) runCli(verifyCommand.name, main);
