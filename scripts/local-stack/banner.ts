import type { LocalStack } from "./local-stack";

/** The sample event from the issue (also test/support/factories.ts), to paste and try. */
const sampleEvent = {
  user_id: "user123",
  amount: 99.99,
  currency: "USD",
  merchant: "Amazon",
  timestamp: "2024-01-15T10:30:00Z",
  metadata: { source: "web", campaign: "summer_sale" },
};

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export function banner(stack: LocalStack): string {
  const [key] = stack.apiKeys;
  return [
    "",
    "Fluxa local stack is ready",
    `  API        ${stack.apiUrl}`,
    `  API key    ${key}`,
    `  database   ${stack.databaseUrl}`,
    `  AWS        ${stack.awsEndpointUrl} (${stack.region}); queue ${stack.queueUrl}`,
    "",
    "Try:",
    `  curl -i -X POST ${stack.apiUrl}/events -H "x-api-key: ${key}" -H "content-type: application/json" -d ${shellQuote(JSON.stringify(sampleEvent))}`,
    `  curl -i ${stack.apiUrl}/health`,
    "",
    "Ctrl-C stops it (queued messages are kept in memory only; stored events stay in PostgreSQL).",
    "",
  ].join("\n");
}
