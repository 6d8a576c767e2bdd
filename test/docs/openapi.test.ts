import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { defaultMaxBatchEvents } from "../../functions/ingest/batch-request";
import { defaultListLimit, maxListLimit } from "../../functions/query/listing";
import { decodeEventInput } from "../../functions/shared/event-schema";
import { routes } from "../../functions/topology";

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { $ref?: string; name?: string; schema?: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { example?: unknown }> };
}

const document = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "docs", "openapi.json"), "utf8")) as {
  openapi: string;
  security?: unknown;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; in: string; name: string }>; schemas: Record<string, unknown> };
};

const operations = Object.entries(document.paths).flatMap(([route, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${route}`, operation })),
);
const operation = (key: string) => operations.find((o) => o.key === key)!.operation;

describe("docs/openapi.json", () => {
  it("documents exactly the topology's routes", () => {
    expect(document.openapi).to.match(/^3\./);
    expect(operations.map((o) => o.key).sort()).to.deep.equal(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("asks for the x-api-key header exactly where the route requires an API key", () => {
    expect(document.security).to.equal(undefined);
    expect(document.components.securitySchemes.ApiKeyAuth).to.deep.equal({ type: "apiKey", in: "header", name: "x-api-key" });
    for (const route of routes) {
      const expected = route.apiKeyRequired ? [{ ApiKeyAuth: [] }] : [];
      expect(operation(`${route.method} ${route.path}`).security, `${route.method} ${route.path}`).to.deep.equal(expected);
    }
  });

  it("states the limits the functions apply, and gives examples they accept", () => {
    const list = operation("GET /events").parameters ?? [];
    expect(list.find((p) => p.name === "limit")?.schema).to.include({ default: defaultListLimit, maximum: maxListLimit });
    const batch = document.components.schemas.BatchRequest as { properties: { events: { maxItems: number } } };
    expect(batch.properties.events.maxItems).to.equal(defaultMaxBatchEvents);
    expect(decodeEventInput(operation("POST /events").requestBody?.content["application/json"].example).ok).to.equal(true);
    const items = (operation("POST /events/batch").requestBody?.content["application/json"].example as { events: Record<string, unknown>[] }).events;
    for (const { idempotency_key: _key, ...event } of items) expect(decodeEventInput(event).ok).to.equal(true);
  });
});
