/**
 * `npm run replay`: re-deliver stored events to subscribers, by created_at window and user, or sweep
 * the outbox (events SNS never confirmed). The work runs in the `replay` function, page by page.
 * See `npm run replay -- --help`.
 */
import { parseDuration, parseInstant } from "../functions/replay/instant";
import type { ReplayRequest } from "../functions/replay/protocol";
import { replayLimits } from "../functions/topology";
import { type CommandSpec, UsageError, integerSetting, parseCli, requireSettings, runCli, usage } from "./lib/cli";
import { functionTargetOptions, lambdaClientFor, orRunningLocalStack } from "./lib/lambda-invoke";
import { dataDirOf } from "./lib/running-local-stack";
import { lambdaInvoker } from "./replay/invoker";
import { begin, runPages, selectedText } from "./replay/run";

const spec = {
  name: "replay",
  summary: [
    "npm run replay -- --from <RFC 3339> --to <RFC 3339> [--from-archive] [--source S] [--user-id U] [--queue-url URL] [--rate N] [--dry-run]",
    "npm run replay -- --unpublished [--source S] [--older-than 10m] [--rate N] [--dry-run]",
    "npm run replay -- --resume <replay id>",
    "",
    "Delivers stored events with created_at in [--from, --to), oldest first, as the notification the events",
    "topic sent, with the attributes replay=true and replay_id: to the topic (every subscriber), or with",
    "--queue-url to one queue listed in stack config fluxa:replayQueueUrls. --unpublished publishes the events",
    "SNS never confirmed (still in the outbox) and older than --older-than, and marks them. A replay may deliver",
    "an event twice, never skip one: consumers deduplicate on event_id. Ctrl-C prints the --resume line.",
    "--from-archive reads the window from the archive of partitions retention dropped (stack config fluxa:archive),",
    "passing over events a user erasure covers.",
    "",
    "Deployed stack: --function $(pulumi stack output replay_function), AWS credentials and region as for the AWS CLI.",
    "Local stack: no --function; the running stack's replay function is read from its data directory",
    "(FLUXA_DATA_DIR, default .fluxa/stack.json), or name it with --function replay --lambda-endpoint <url>.",
  ].join("\n"),
  options: {
    from: { description: "first created_at replayed (inclusive)", placeholder: "RFC 3339" },
    to: { description: "created_at where the replay stops (exclusive)", placeholder: "RFC 3339" },
    "user-id": { description: "only this user's events", placeholder: "id" },
    source: { description: "only this source's events (an unknown one is refused, naming the stack's sources)", placeholder: "name" },
    "queue-url": { description: "deliver to this one SQS queue instead of the events topic", placeholder: "url" },
    "older-than": { description: "with --unpublished: only events stored at least this long ago (s, m, h, d)", default: "10m", placeholder: "age" },
    rate: { description: "events per second at most", default: String(replayLimits.defaultRatePerSecond), placeholder: "n" },
    resume: { description: "continue a stopped replay after its last confirmed page", placeholder: "replay id" },
    ...functionTargetOptions("the replay function's name", "FLUXA_REPLAY_FUNCTION"),
  },
  examples: [
    "npm run replay -- --function fluxa-replay-prod --from 2026-11-01T00:00:00Z --to 2026-11-02T00:00:00Z --dry-run",
    "npm run replay -- --function fluxa-replay-prod --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/new-subscriber",
    "npm run replay -- --function fluxa-replay-prod --unpublished --older-than 15m",
    "npm run replay -- --function fluxa-replay-prod --resume 0b6f9c3e-5d1a-4c47-9a43-2f1f6f0d8a11",
  ],
} satisfies CommandSpec<Record<string, { description: string; env?: string; default?: string; placeholder: string }>>;

const switches = ["--unpublished", "--dry-run", "--from-archive"] as const;

export interface ReplayIo {
  readonly print: (text: string) => void;
  readonly progressStream: Pick<NodeJS.WriteStream, "write" | "isTTY">;
  readonly signal: AbortSignal;
}

/** Runs one replay; every mistake in the call is found before anything is sent (UsageError, exit 2). */
export async function replayMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: ReplayIo): Promise<number> {
  const on = (flag: (typeof switches)[number]) => argv.includes(flag);
  const values = orRunningLocalStack(parseCli(spec, argv.filter((arg) => !(switches as readonly string[]).includes(arg)), env), env, "replayFunction");
  if (!values) {
    io.print(usage(spec));
    return 0;
  }
  const given = (name: keyof typeof spec.options) => argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  const request = requestOf(values, on("--unpublished"), on("--dry-run"), given, on("--from-archive"));
  const ratePerSecond = integerSetting("rate", values.rate, { min: 1, max: 10_000 });
  requireSettings(spec, values, ["function"], `; no local stack is running on ${dataDirOf(env)} to take it from`);
  const functionName = String(values.function);

  const local = Boolean(values["lambda-endpoint"]);
  const client = lambdaClientFor(values, env);
  try {
    const invoker = lambdaInvoker(client, functionName);
    const begun = await begin(invoker, request);
    if ("dryRun" in begun) {
      io.print(`dry run: ${selectedText(begun.dryRun)} selected; nothing sent`);
      return 0;
    }
    io.print(`${request.action === "start" ? "replay started" : "resuming replay"} ${begun.replayId} (${selectedText(begun)} selected)`);
    const where = local ? ` --lambda-endpoint ${values["lambda-endpoint"]}` : "";
    return await runPages(invoker, begun, {
      ratePerSecond,
      maxFailedPages: 5,
      resumeCommand: (id) => `npm run replay -- --function ${functionName}${where} --resume ${id}`,
      print: io.print,
      progressStream: io.progressStream,
      signal: io.signal,
    });
  } finally {
    client.destroy();
  }
}

type Values = { readonly [K in keyof typeof spec.options]: string | undefined };


function requestOf(
  values: Values,
  unpublished: boolean,
  dryRun: boolean,
  given: (name: keyof typeof spec.options) => boolean,
  fromArchive: boolean,
): Extract<ReplayRequest, { action: "start" | "describe" }> {
  const windowFlags = (["from", "to", "user-id"] as const).filter(given);
  const modes = [windowFlags.length > 0 && "--from/--to", unpublished && "--unpublished", given("resume") && "--resume"].filter(Boolean);
  if (modes.length === 0) throw new UsageError("say what to replay: --from and --to, --unpublished, or --resume <replay id>");
  if (modes.length > 1) throw new UsageError(`${modes.join(" and ")} cannot be combined`);
  if (fromArchive && !(modes[0] === "--from/--to")) throw new UsageError("--from-archive replays a --from/--to window; it cannot be combined with --unpublished or --resume");
  if (given("resume")) {
    const extra = (["queue-url", "older-than", "source"] as const).filter(given);
    if (dryRun || extra.length > 0) throw new UsageError(`--resume continues a replay as it was started; drop ${[...extra.map((f) => `--${f}`), ...(dryRun ? ["--dry-run"] : [])].join(", ")}`);
    return { action: "describe", replayId: String(values.resume) };
  }
  if (unpublished) {
    if (given("queue-url")) throw new UsageError("--unpublished publishes to the events topic; --queue-url cannot be combined with it");
    const olderThanSeconds = parseDuration(String(values["older-than"]));
    if (olderThanSeconds === undefined) throw new UsageError(`--older-than must be a duration such as 90s, 10m, 2h or 7d, got ${JSON.stringify(values["older-than"])}`);
    return { action: "start", selection: { kind: "unpublished", olderThanSeconds, ...sourceOf(values) }, target: { kind: "topic" }, dryRun };
  }
  if (given("older-than")) throw new UsageError("--older-than goes with --unpublished");
  const from = String(values.from ?? "");
  const to = String(values.to ?? "");
  if (!values.from || !values.to) throw new UsageError("a window needs both --from and --to");
  const fromMs = parseInstant(from);
  const toMs = parseInstant(to);
  if (fromMs === undefined) throw new UsageError(`--from ${JSON.stringify(from)} is not an RFC 3339 date-time such as 2026-01-31T00:00:00Z`);
  if (toMs === undefined) throw new UsageError(`--to ${JSON.stringify(to)} is not an RFC 3339 date-time such as 2026-01-31T00:00:00Z`);
  if (fromMs >= toMs) throw new UsageError(`--from ${from} must be before --to ${to}`);
  const queueUrl = values["queue-url"];
  return {
    action: "start",
    selection: { kind: "window", from, to, ...(values["user-id"] !== undefined ? { userId: values["user-id"] } : {}), ...sourceOf(values), ...(fromArchive ? { fromArchive } : {}) },
    target: queueUrl === undefined ? { kind: "topic" } : { kind: "queue", queueUrl },
    dryRun,
  };
}

function sourceOf(values: Values): { source?: string } {
  return values.source === undefined ? {} : { source: values.source };
}

if (require.main === module) {
  const controller = new AbortController();
  process.once("SIGINT", () => {
    process.stderr.write("\nCtrl-C: finishing the page in flight, then stopping...\n");
    controller.abort();
  });
  runCli(spec.name, () => replayMain(process.argv.slice(2), process.env, { print: (text) => console.log(text), progressStream: process.stderr, signal: controller.signal }));
}
