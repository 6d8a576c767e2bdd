/**
 * `npm run maintain`: one run of the maintenance function on demand (the schedule runs it hourly):
 * partitions ahead, retention, archive. `--dry-run` prints what a run would do and changes nothing.
 */
import type { MaintainRequest, MaintainResponse } from "../functions/maintain/protocol";
import { type CommandSpec, UsageError, parseCli, requireSettings, runCli, usage } from "./lib/cli";
import { functionTargetOptions, lambdaClientFor, orRunningLocalStack } from "./lib/lambda-invoke";
import { dataDirOf } from "./lib/running-local-stack";
import { formatMaintenanceReport } from "./maintain/report";
import { lambdaInvoker } from "./replay/invoker";

const spec = {
  name: "maintain",
  summary: [
    "npm run maintain -- [--dry-run]",
    "",
    "Creates the partitions of events ahead of today, then, with stack config fluxa:retentionDays set, drops the",
    "partitions whose whole range is older than the window: only once no event in them awaits SNS (else the",
    "partition is kept and named) and, with fluxa:archive, once its archive under archive/ is read back and matches.",
    "Exit codes: 0 done, 1 a partition was kept (see the report), 2 a mistake in the call.",
    "",
    "Deployed stack: --function $(pulumi stack output maintain_function), AWS credentials and region as for the AWS CLI.",
    "Local stack: no --function; the running stack's maintenance function is read from its data directory",
    "(FLUXA_DATA_DIR, default .fluxa/stack.json), or name it with --function maintain --lambda-endpoint <url>.",
  ].join("\n"),
  options: {
    ...functionTargetOptions("the maintenance function's name", "FLUXA_MAINTAIN_FUNCTION"),
  },
  examples: ["npm run maintain -- --function fluxa-maintain-prod --dry-run", "npm run maintain -- --function fluxa-maintain-prod"],
} satisfies CommandSpec<Record<string, { description: string; env?: string; default?: string; placeholder: string }>>;

/** One run (or dry run); the report is printed as the function returned it. */
export async function maintainMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, print: (text: string) => void): Promise<number> {
  const dryRun = argv.includes("--dry-run");
  const parsed = parseCli(spec, argv.filter((arg) => arg !== "--dry-run"), env);
  if (!parsed) {
    print(usage(spec));
    return 0;
  }
  const values = orRunningLocalStack(parsed, env, "maintainFunction") ?? parsed;
  requireSettings(spec, values, ["function"], `; no local stack is running on ${dataDirOf(env)} to take it from`);
  const client = lambdaClientFor(values, env);
  try {
    const response = await lambdaInvoker<MaintainRequest, MaintainResponse>(client, String(values.function)).invoke({ action: "run", dryRun });
    if (!response.ok) throw new UsageError(response.problem);
    for (const line of formatMaintenanceReport(response.report)) print(line);
    return !dryRun && response.report.kept.length > 0 ? 1 : 0;
  } finally {
    client.destroy();
  }
}

if (require.main === module) runCli(spec.name, () => maintainMain(process.argv.slice(2), process.env, (text) => console.log(text)));
