import { readmeSampleEvent } from "../lib/sample-event";
import type { LocalStack } from "./local-stack";

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
