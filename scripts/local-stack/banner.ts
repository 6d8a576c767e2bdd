import * as path from "node:path";
import { defaultDataDir, runningStackFile } from "../lib/running-local-stack";
import { readmeSampleEvent } from "../lib/sample-event";
import { functionNames } from "../../functions/topology";
import type { LocalStack, LocalSizing } from "./local-stack";

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export function banner(stack: LocalStack, now: Date = new Date()): string {
  const [key] = stack.sources[0].keys;
  const hour = 3_600_000;
  const end = new Date(Math.ceil(now.getTime() / hour) * hour);
  const lastHour = { from: new Date(end.getTime() - hour).toISOString(), to: end.toISOString() };
  return [
    "",
    "Fluxa local stack is ready",
    `  API        ${stack.apiUrl}`,
    ...stack.sources.map((source, i) => `  ${i === 0 ? "sources   " : "          "} ${source.name}: ${source.keys.join(", ")}`),
    `  SNS topic  ${stack.topicArn} (filter on the source and user_id attributes)`,
    `  database   ${stack.databaseUrl}`,
    `  AWS        ${stack.awsEndpointUrl} (${stack.region})`,
    `  queue      ${stack.queueUrl}`,
    `  DLQ        ${stack.dlqUrl}`,
    `  limits     ${limits(stack.sizing)}`,
    "",
    "Try:",
    `  curl -i -X POST ${stack.apiUrl}/events -H "x-api-key: ${key}" -H "content-type: application/json" -d ${shellQuote(JSON.stringify(readmeSampleEvent))}`,
    `  curl -i ${stack.apiUrl}/health`,
    `  ${cliEnvironment(stack.dataDir)}npm run dlq -- list`,
    `  ${cliEnvironment(stack.dataDir)}npm run replay -- --from ${lastHour.from} --to ${lastHour.to} --dry-run`,
    `  ${cliEnvironment(stack.dataDir)}npm run erase -- --user-id ${readmeSampleEvent.user_id} --dry-run`,
    `  ${cliEnvironment(stack.dataDir)}npm run maintain -- --dry-run`,
    "",
    `The CLIs find this stack's ports in ${path.join(stack.dataDir, runningStackFile)} while it runs.`,
    "Ctrl-C stops it (queued messages are kept in memory only; stored events stay in PostgreSQL).",
    "",
  ].join("\n");
}

/** The CLIs look in the default data directory; a stack elsewhere is found through the variable npm start read. */
function cliEnvironment(dataDir: string): string {
  return dataDir === defaultDataDir ? "" : `FLUXA_DATA_DIR=${shellQuote(dataDir)} `;
}

/** What throttles: each reservation, and the processor mapping's bound. */
function limits(sizing: LocalSizing): string {
  const reserved = functionNames.flatMap((fn) => {
    const reservation = sizing.functions[fn].reservedConcurrency;
    return reservation === undefined ? [] : [`${fn} ${reservation}`];
  });
  return `reserved concurrency ${reserved.join(", ") || "none"}; processor mapping at most ${sizing.queue.maximumConcurrency} batches of ${sizing.queue.batchSize} at once`;
}
