/**
 * `npm run erase`: delete one user's events (rows in every partition, and their S3 payloads) and
 * keep an audit record; the work runs in the `erase` function. See `npm run erase -- --help`.
 */
import type { EraseRequest, EraseResponse } from "../functions/erase/protocol";
import { type CommandSpec, UsageError, parseCli, requireSettings, runCli, usage } from "./lib/cli";
import { functionTargetOptions, invokeFunction, lambdaClientFor, orRunningLocalStack } from "./lib/lambda-invoke";
import { dataDirOf } from "./lib/running-local-stack";
import { callerIdentity } from "./erase/caller-identity";
import { dryRunText, erasureTable } from "./erase/report";

const spec = {
  name: "erase",
  summary: [
    "npm run erase -- --user-id U [--source S] (--dry-run | --yes)",
    "npm run erase -- --list",
    "",
    "Deletes the user's stored events (in --source only, or in every source) and their S3 payloads, and records",
    "a tombstone: a message of that user already in flight (queued, deferred, in the DLQ) is acknowledged and",
    "never stored, and replay from archive skips the user's archived events; events received afterwards are",
    "stored as usual. The audit record (the user id as its SHA-256 only, source, counts, when, by whom) is",
    "printed and logged; --list shows past erasures. --dry-run counts and changes nothing; --yes erases.",
    "",
    "Deployed stack: --function $(pulumi stack output erase_function), AWS credentials and region as for the AWS CLI;",
    "the caller is recorded as its STS identity. Local stack: no --function; the running stack's erase function is",
    "read from its data directory (FLUXA_DATA_DIR, default .fluxa/stack.json); the caller is the OS user.",
  ].join("\n"),
  options: {
    "user-id": { description: "whose events to erase", placeholder: "id" },
    source: { description: "only this source's events (an unknown one is refused, naming the stack's sources)", placeholder: "name" },
    "dry-run": { description: "count what would be erased; change nothing", flag: true },
    yes: { description: "erase", flag: true },
    list: { description: "show past erasures, newest first", flag: true },
    ...functionTargetOptions("the erase function's name", "FLUXA_ERASE_FUNCTION"),
  },
  examples: [
    "npm run erase -- --function fluxa-erase-prod --user-id user123 --dry-run",
    "npm run erase -- --function fluxa-erase-prod --user-id user123 --source mobile --yes",
    "npm run erase -- --function fluxa-erase-prod --list",
  ],
} satisfies CommandSpec<Record<string, { description: string; env?: string; default?: string; placeholder?: string; flag?: boolean }>>;

type Values = { readonly [K in keyof typeof spec.options]: string | undefined };

/** Runs one erasure, dry run or listing; every mistake in the call is found before anything changes (UsageError, exit 2). */
export async function eraseMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, print: (text: string) => void): Promise<number> {
  const values = orRunningLocalStack(parseCli(spec, argv, env), env, "eraseFunction");
  if (!values) {
    print(usage(spec));
    return 0;
  }
  const request = requestOf(values);
  requireSettings(spec, values, ["function"], `; no local stack is running on ${dataDirOf(env)} to take it from`);
  const functionName = String(values.function);
  const local = Boolean(values["lambda-endpoint"]);
  const client = lambdaClientFor(values, env);
  try {
    const full: EraseRequest = request.action === "list" ? request : { ...request, requestedBy: await callerIdentity({ local, region: String(values.region) }) };
    const response = await invokeFunction<EraseResponse>(client, functionName, full);
    if (!response.ok) throw new UsageError(response.problem);
    if ("erasures" in response) print(response.erasures.length === 0 ? "no erasures yet" : erasureTable(response.erasures));
    else if ("dryRun" in response) print(dryRunText(response.dryRun));
    else print(`erased: audit record ${JSON.stringify(response.erasure)}\n${erasureTable([response.erasure])}`);
    return 0;
  } finally {
    client.destroy();
  }
}


function requestOf(values: Values): Extract<EraseRequest, { action: "list" }> | Omit<Extract<EraseRequest, { action: "erase" }>, "requestedBy"> {
  if (values.list) {
    const extra = (["user-id", "source", "dry-run", "yes"] as const).filter((flag) => values[flag] !== undefined);
    if (extra.length > 0) throw new UsageError(`--list shows past erasures; drop ${extra.map((flag) => `--${flag}`).join(", ")}`);
    return { action: "list" };
  }
  const userId = values["user-id"];
  if (!userId?.trim()) throw new UsageError("--user-id is required: whose events to erase (or --list for past erasures)");
  if (values["dry-run"] && values.yes) throw new UsageError("--dry-run and --yes cannot be combined: --dry-run counts, --yes erases");
  if (!values["dry-run"] && !values.yes) throw new UsageError("say --dry-run to see what would be erased, or --yes to erase it");
  return { action: "erase", userId, dryRun: Boolean(values["dry-run"]), ...(values.source === undefined ? {} : { source: values.source }) };
}

if (require.main === module) runCli(spec.name, () => eraseMain(process.argv.slice(2), process.env, (text) => console.log(text)));
