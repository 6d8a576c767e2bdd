/**
 * The offline stand-in for `pulumi preview`: runs the Pulumi program under recording mocks with a
 * stack's real config file and prints what it would create, or (--diff) how prod differs from dev.
 *
 *   npm run preview:offline -- --stack dev|prod
 *   npm run preview:offline -- --diff
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../components/config";
import { connectionBudget } from "../components/connection-budget";
import { runOffline, type Registration } from "./preview/mock-engine";
import { createFluxa } from "../components/program";
import { diffStacks } from "./preview/stack-diff";
import { readStackConfig } from "./preview/stack-file";
import { budgetReport } from "./lib/budget-report";

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
  budgets.set(stack, connectionBudget(result));
  return registrations;
}

const budgets = new Map<string, ReturnType<typeof connectionBudget>>();

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

function printBudgets(): void {
  for (const [stack, budget] of budgets) console.log(`\n${budgetReport(stack, budget)}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { stack: { type: "string", default: "dev" }, diff: { type: "boolean", default: false } } });
  if (!values.diff) {
    printPreview(values.stack, await registrationsOf(values.stack));
    printBudgets();
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
  printBudgets();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
