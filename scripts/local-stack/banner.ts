import { readmeSampleEvent } from "../lib/sample-event";
import { functionNames } from "../../functions/topology";
import type { LocalStack, LocalSizing } from "./local-stack";

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export function banner(stack: LocalStack): string {
  const [key] = stack.apiKeys;
  return [
    "",
    "Fluxa local stack is ready",
    `  API        ${stack.apiUrl}`,
    `  API key    ${key}`,
    `  database   ${stack.databaseUrl}`,
    `  AWS        ${stack.awsEndpointUrl} (${stack.region})`,
    `  queue      ${stack.queueUrl}`,
    `  DLQ        ${stack.dlqUrl}`,
    `  limits     ${limits(stack.sizing)}`,
    "",
    "Try:",
    `  curl -i -X POST ${stack.apiUrl}/events -H "x-api-key: ${key}" -H "content-type: application/json" -d ${shellQuote(JSON.stringify(readmeSampleEvent))}`,
    `  curl -i ${stack.apiUrl}/health`,
    `  npm run dlq -- list --endpoint ${stack.awsEndpointUrl} --dlq-url ${stack.dlqUrl}`,
    "",
    "Ctrl-C stops it (queued messages are kept in memory only; stored events stay in PostgreSQL).",
    "",
  ].join("\n");
}

/** What throttles: each reservation, and the processor mapping's bound. */
function limits(sizing: LocalSizing): string {
  const reserved = functionNames.flatMap((fn) => {
    const reservation = sizing.functions[fn].reservedConcurrency;
    return reservation === undefined ? [] : [`${fn} ${reservation}`];
  });
  return `reserved concurrency ${reserved.join(", ") || "none"}; processor mapping at most ${sizing.queue.maximumConcurrency} batches of ${sizing.queue.batchSize} at once`;
}
