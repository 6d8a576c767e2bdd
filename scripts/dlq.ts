/**
 * `npm run dlq -- list | show <id> | redrive [--max N] | purge --yes`: the dead-letter queue of a
 * deployed stack or of the local stack. See `npm run dlq -- --help`.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { s3PayloadStore } from "../functions/adapters/s3-payload-store";
import { type CommandSpec, type OptionValues, UsageError, integerSetting, parseCli, requireSettings, runCli, usage } from "./lib/cli";
import { dataDirOf, runningLocalStack } from "./lib/running-local-stack";
import { list, purge, redrive, show, type DlqContext } from "./dlq/commands";
import { knownSources, sourceSetting } from "./lib/known-sources";

const spec = {
  name: "dlq",
  summary: [
    "Commands: list | show <message-id|event_id> | redrive [--max N] | purge --yes",
    "",
    "list shows event_id, correlation id, receive count and the failure reason of every dead-lettered",
    "message; the reason is found by re-running the processor's checks on it now (malformed, S3 object",
    "missing, hash mismatch, invalid payload; 'valid now' means a dependency failed at the time).",
    "redrive sends each message back to the event queue, then deletes it from the DLQ (never the reverse).",
    "",
    "Deployed stack: --queue-url $(pulumi stack output sqs_queue_url) --dlq-url $(pulumi stack output dlq_url),",
    "with AWS credentials and region as for the AWS CLI. Local stack: no flags; the running stack's queues are",
    "read from its data directory (FLUXA_DATA_DIR, default .fluxa/stack.json), or name them with --endpoint.",
    "--source keeps list, show and redrive to one source's messages; it is checked against --stack's",
    "Pulumi.<stack>.yaml, else FLUXA_SOURCES (the local stack's), else the one source default.",
  ].join("\n"),
  options: {
    "dlq-url": { description: "the dead-letter queue", env: "FLUXA_DLQ_URL", placeholder: "url" },
    "queue-url": { description: "the event queue (needed by redrive)", env: "FLUXA_QUEUE_URL", placeholder: "url" },
    endpoint: { description: "SQS/S3 endpoint of an emulator; unset for AWS", env: "AWS_ENDPOINT_URL", placeholder: "url" },
    region: { description: "AWS region", env: "AWS_REGION", default: "us-east-1", placeholder: "region" },
    max: { description: "redrive at most this many messages", default: "100", placeholder: "n" },
    source: { description: "only this source's messages (list, show, redrive)", placeholder: "name" },
    stack: { description: "the stack whose sources --source is checked against (Pulumi.<stack>.yaml)", env: "FLUXA_STACK", placeholder: "name" },
  },
  examples: [
    "npm run dlq -- list --dlq-url $(pulumi stack output dlq_url)",
    "npm run dlq -- show 01a21393-3846-7825-a33f-d85a90235848 --dlq-url ...",
    "npm run dlq -- redrive --max 10 --queue-url ... --dlq-url ...",
    "npm run dlq -- purge --yes --dlq-url ...",
  ],
} satisfies CommandSpec<Record<string, { description: string; env?: string; default?: string; placeholder: string }>>;

const commands = ["list", "show", "redrive", "purge"] as const;

/** Runs one command; `print` receives what it writes (tests call this in-process). */
export async function dlqMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, print: (text: string) => void): Promise<number> {
  const positionals = argv.filter((arg, i) => !arg.startsWith("--") && (i === 0 || !argv[i - 1].startsWith("--") || argv[i - 1] === "--yes"));
  const confirmed = argv.includes("--yes");
  const flags = argv.filter((arg) => !positionals.includes(arg) && arg !== "--yes");
  const values = orRunningLocalStack(parseCli(spec, flags, env), env);
  if (!values || positionals.length === 0) {
    print(usage(spec));
    return values ? 2 : 0;
  }
  const [command, id] = positionals;
  if (!(commands as readonly string[]).includes(command)) throw new UsageError(`unknown command ${command}; expected one of ${commands.join(", ")}`);
  requireSettings(spec, values, ["dlq-url"], `; no local stack is running on ${dataDirOf(env)} to take it from`);
  const source = sourceSetting(values.source, values.source === undefined ? [] : knownSources(env, values.stack));
  if (source !== undefined && command === "purge") throw new UsageError("purge empties the whole DLQ; --source cannot be combined with it");
  const emulated = Boolean(values.endpoint);
  // An emulator accepts any credentials; AWS gets the default provider chain.
  const credentials = emulated && !env.AWS_ACCESS_KEY_ID ? { accessKeyId: "local", secretAccessKey: "local" } : undefined;
  const config = { region: values.region, ...(emulated ? { endpoint: values.endpoint, credentials } : {}) };
  const sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: !emulated });
  const s3 = new S3Client({ ...config, forcePathStyle: emulated });
  const ctx: DlqContext = { sqs, payloads: s3PayloadStore(s3, ""), queueUrl: values["queue-url"], dlqUrl: String(values["dlq-url"]), source, print };
  try {
    switch (command) {
      case "list":
        return await list(ctx);
      case "show":
        if (!id) throw new UsageError("show needs a message id or event_id");
        return await show(ctx, id);
      case "redrive":
        return await redrive(ctx, integerSetting("max", values.max, { min: 1, max: 100_000 }));
      default:
        return await purge(ctx, confirmed);
    }
  } finally {
    sqs.destroy();
    s3.destroy();
  }
}

type Values = OptionValues<typeof spec.options>;

/** Bare `npm run dlq -- list` on this machine: the running local stack's queues, unless a queue or endpoint was named. */
function orRunningLocalStack(values: Values | undefined, env: Readonly<Record<string, string | undefined>>): Values | undefined {
  if (!values || values["dlq-url"] || values.endpoint) return values;
  const local = runningLocalStack(dataDirOf(env));
  if (!local) return values;
  return { ...values, endpoint: local.awsEndpointUrl, region: local.region, "dlq-url": local.dlqUrl, "queue-url": values["queue-url"] ?? local.queueUrl };
}

if (require.main === module) runCli(spec.name, () => dlqMain(process.argv.slice(2), process.env, (text) => console.log(text)));
