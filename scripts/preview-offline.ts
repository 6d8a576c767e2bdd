/**
 * The offline stand-in for `pulumi preview`: runs the Pulumi program under recording mocks with a
 * stack's real config file and prints what it would create, or (--diff) how prod differs from dev;
 * with --policy it also drives the policy pack's validators over those resources, as
 * `pulumi preview --policy-pack policy` would. With the latest `npm run bench` results it also prints
 * each stack's capacity.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { loadConfig, type FluxaConfig } from "../stack-config/config";
import { connectionBudget } from "../stack-config/connection-budget";
import { runOffline, type Registration } from "./preview/mock-engine";
import { createFluxa } from "../components/program";
import { diffStacks } from "./preview/stack-diff";
import { loadPack, PolicyPackError, runPolicies } from "./preview/policy-run";
import { printViolations } from "./preview/policy-report";
import { readStackConfig } from "./preview/stack-file";
import { resultsFile } from "./bench/measure";
import type { BenchResults } from "./bench/report";
import { capacityOf } from "./bench/sizing";
import { type CommandSpec, type OptionSpec, parseCli, runCli, usage, UsageError } from "./lib/cli";
import { retryReport } from "./lib/retry-report";
import { budgetReport } from "./lib/budget-report";
import { capacityReport } from "./lib/capacity-report";
import { sourcesReport } from "./lib/sources-report";

const repositoryRoot = path.resolve(__dirname, "..");

const previewCommand = {
  name: "preview:offline",
  summary:
    "Prints what `pulumi up` would create for a stack, offline under Pulumi mocks with its Pulumi.<stack>.yaml, with its connection budget, outage ride-out and capacity.",
  options: {
    stack: { description: "the stack to preview (a Pulumi.<stack>.yaml in the repository)", default: "dev", placeholder: "name" },
    diff: { description: "print how prod differs from dev instead", flag: true },
    policy: { description: "also run the policy pack over the resources: exit 1 listing every mandatory violation, 2 if the pack fails to load", flag: true },
    "policy-pack": { description: "the policy pack's directory", default: "policy", placeholder: "dir" },
    "bench-results": { description: "bench results to size the capacity from", default: path.relative(process.cwd(), resultsFile), placeholder: "file" },
  },
  examples: ["npm run preview:offline -- --stack prod", "npm run preview:offline -- --diff", "npm run preview:offline -- --stack dev --policy"],
} satisfies CommandSpec<Record<string, OptionSpec>>;

/** The stacks that have a Pulumi.<stack>.yaml. */
function existingStacks(): string[] {
  return readdirSync(repositoryRoot)
    .map((file) => /^Pulumi\.([\w-]+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

const maxValueLength = 100;

function show(value: unknown): string {
  if (value === undefined) return "(unset)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > maxValueLength ? `${text.slice(0, maxValueLength - 1)}… (${text.length} chars)` : text;
}

async function registrationsOf(stack: string): Promise<readonly Registration[]> {
  const { registrations, result } = await runOffline(stack, readStackConfig(stack), () => {
    const config = loadConfig();
    createFluxa(config);
    return config;
  });
  configs.set(stack, result);
  return registrations;
}

const configs = new Map<string, FluxaConfig>();

function printPreview(stack: string, registrations: readonly Registration[]): void {
  console.log(`Stack ${stack}: resources \`pulumi up\` would create (offline, under mocks; computed values are not shown)\n`);
  for (const r of registrations) {
    console.log(`+ ${r.type}  ${r.name}`);
    for (const [key, value] of Object.entries(r.inputs).sort(([a], [b]) => a.localeCompare(b))) {
      if (value === undefined || key === "code") continue;
      console.log(`    ${key}: ${show(value)}`);
    }
  }
  console.log(`\n${registrations.length} resources (${registrations.filter((r) => !r.custom).length} components)`);
}

/** Each stack's connection budget, how its queue rides out an outage, its capacity from the latest bench results when there are some, and its sources' limits. */
function printBudgets(benchResults: string): void {
  const results = existsSync(benchResults) ? (JSON.parse(readFileSync(benchResults, "utf8")) as Pick<BenchResults, "date" | "processor"> & Partial<Pick<BenchResults, "databaseCeiling" | "logVolume">>) : undefined;
  for (const [stack, config] of configs) {
    console.log(`\n${budgetReport(stack, connectionBudget(config))}`);
    console.log(`\n${retryReport(stack, config)}`);
    const capacity = results && capacityOf(config, results);
    const source = path.relative(process.cwd(), benchResults);
    if (capacity) console.log(`\n${capacityReport(capacity, `from ${source} of ${results.date}`)}`);
    else if (results) console.log(`\nCapacity of ${stack}: ${source} has no processor figure at batch ${config.queue.batchSize}; run npm run bench`);
    else console.log(`\nCapacity of ${stack}: no bench results (${source}); run npm run bench`);
    console.log(`\n${sourcesReport(stack, config.sources, config.api, capacity?.eventsPerSecond)}`);
  }
}

async function main(): Promise<number> {
  const values = parseCli(previewCommand, process.argv.slice(2), {});
  if (!values) {
    console.log(usage(previewCommand));
    return 0;
  }
  const stacks = values.diff ? ["dev", "prod"] : [values.stack ?? "dev"];
  for (const stack of stacks) {
    if (!existingStacks().includes(stack)) throw new UsageError(`unknown stack "${stack}": the stacks are ${existingStacks().join(", ")} (Pulumi.<stack>.yaml)`);
  }
  const pack = values.policy ? loadPack(path.resolve(values["policy-pack"] ?? "policy")) : undefined;
  const runs = [];
  for (const stack of stacks) runs.push({ stack, registrations: await registrationsOf(stack) });
  if (values.diff) printDiff(runs[0], runs[1]);
  else printPreview(runs[0].stack, runs[0].registrations);
  printBudgets(path.resolve(values["bench-results"] ?? resultsFile));
  if (!pack) return 0;
  let mandatory = 0;
  for (const run of runs) mandatory += printViolations(pack.name, run.stack, run.registrations.length, await runPolicies(pack, run.registrations));
  return mandatory > 0 ? 1 : 0;
}

function printDiff(dev: { stack: string; registrations: readonly Registration[] }, prod: { stack: string; registrations: readonly Registration[] }): void {
  const differences = diffStacks(dev, prod);
  console.log("What prod creates differently from dev (stack names normalised away)\n");
  for (const d of differences) {
    if (d.property === undefined) console.log(`${d.right === "present" ? "+ prod only" : "- dev only "}  ${d.resource}`);
    else console.log(`~ ${d.resource}  ${d.property}\n    dev:  ${show(d.left)}\n    prod: ${show(d.right)}`);
  }
  console.log(`\n${differences.length} differences`);
}

runCli(previewCommand.name, () =>
  main().catch((error: unknown) => {
    if (!(error instanceof PolicyPackError)) throw error;
    console.error(`${previewCommand.name}: ${error.message}`);
    return 2;
  }),
);
