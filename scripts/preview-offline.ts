/**
 * The offline stand-in for `pulumi preview`: runs the Pulumi program under recording mocks with a
 * stack's real config file and prints what it would create, or (--diff) how prod differs from dev.
 *
 * With the latest `npm run bench` results it also prints each stack's capacity.
 *
 *   npm run preview:offline -- --stack dev|prod [--bench-results FILE]
 *   npm run preview:offline -- --diff [--bench-results FILE]
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, type FluxaConfig } from "../stack-config/config";
import { connectionBudget } from "../stack-config/connection-budget";
import { runOffline, type Registration } from "./preview/mock-engine";
import { createFluxa } from "../components/program";
import { diffStacks } from "./preview/stack-diff";
import { readStackConfig } from "./preview/stack-file";
import { resultsFile } from "./bench/measure";
import type { BenchResults } from "./bench/report";
import { capacityOf } from "./bench/sizing";
import { retryReport } from "./lib/retry-report";
import { budgetReport } from "./lib/budget-report";
import { capacityReport } from "./lib/capacity-report";
import { sourcesReport } from "./lib/sources-report";

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
  const results = existsSync(benchResults) ? (JSON.parse(readFileSync(benchResults, "utf8")) as Pick<BenchResults, "date" | "processor">) : undefined;
  for (const [stack, config] of configs) {
    console.log(`\n${budgetReport(stack, connectionBudget(config))}`);
    console.log(`\n${retryReport(stack, config)}`);
    const capacity = results && capacityOf(config, results.processor.batches);
    const source = path.relative(process.cwd(), benchResults);
    if (capacity) console.log(`\n${capacityReport(capacity, `from ${source} of ${results.date}`)}`);
    else if (results) console.log(`\nCapacity of ${stack}: ${source} has no processor figure at batch ${config.queue.batchSize}; run npm run bench`);
    else console.log(`\nCapacity of ${stack}: no bench results (${source}); run npm run bench`);
    console.log(`\n${sourcesReport(stack, config.sources, config.api, capacity?.eventsPerSecond)}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { stack: { type: "string", default: "dev" }, diff: { type: "boolean", default: false }, "bench-results": { type: "string", default: resultsFile } },
  });
  if (!values.diff) {
    printPreview(values.stack, await registrationsOf(values.stack));
    printBudgets(values["bench-results"]);
    return;
  }
  const dev = { stack: "dev", registrations: await registrationsOf("dev") };
  const prod = { stack: "prod", registrations: await registrationsOf("prod") };
  const differences = diffStacks(dev, prod);
  console.log("What prod creates differently from dev (stack names normalised away)\n");
  for (const d of differences) {
    if (d.property === undefined) console.log(`${d.right === "present" ? "+ prod only" : "- dev only "}  ${d.resource}`);
    else console.log(`~ ${d.resource}  ${d.property}\n    dev:  ${show(d.left)}\n    prod: ${show(d.right)}`);
  }
  console.log(`\n${differences.length} differences`);
  printBudgets(values["bench-results"]);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
