import { expect } from "chai";
import { readFileSync } from "node:fs";
import { defaultMaxBatchEvents } from "../../functions/ingest/batch-request";
import { defaultListLimit, maxListLimit } from "../../functions/query/listing";
import { decodeEventInput } from "../../functions/shared/event-schema";
import { gatewayResponses, type GatewayResponseScope } from "../../functions/gateway-responses";
import { routes, type RouteSpec } from "../../functions/topology";
import { loadContract, openApiDocumentPath } from "../support/openapi-contract";

type Ref = { $ref: string };
interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: Ref | Record<string, unknown>; example?: unknown }>;
}
interface Operation {
  operationId?: string;
  tags?: string[];
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: (Ref | { name?: string; description?: string; schema?: Record<string, unknown> })[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, Response | Ref>;
}

const document = JSON.parse(readFileSync(openApiDocumentPath, "utf8")) as {
  openapi: string;
  info: { description: string; license?: { name: string }; contact?: { name: string } };
  servers: { url: string }[];
  tags: { name: string }[];
  security?: unknown;
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { type: string; in: string; name: string }>;
    schemas: Record<string, Record<string, unknown>>;
    responses: Record<string, Response>;
  };
};

const operations = Object.entries(document.paths).flatMap(([route, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${route}`, operation })),
);
const operation = (key: string) => operations.find((o) => o.key === key)!.operation;
const resolved = (response: Response | Ref): Response =>
  "$ref" in response ? document.components.responses[response.$ref.replace("#/components/responses/", "")] : response;
const inScope: Record<GatewayResponseScope, (route: RouteSpec) => boolean> = {
  everyRoute: () => true,
  keyedRoutes: (route) => route.apiKeyRequired,
  bodyRoutes: (route) => route.method === "POST",
  functionRoutes: (route) => route.integration.kind === "lambda",
  unknownRoutes: () => false,
};

describe("docs/openapi.json", () => {
  it("is a valid OpenAPI 3.0 document (openapi-backend in strict mode loads it)", async () => {
    expect(document.openapi).to.match(/^3\.0\./);
    await loadContract();
  });

  it("documents exactly the topology's routes", () => {
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

  it("gives a client generator what it needs: operation ids, tags, descriptions, a license, a contact and the local server", () => {
    const tags = document.tags.map((t) => t.name);
    for (const { key, operation: op } of operations) {
      expect(op.operationId, key).to.match(/^[a-z][A-Za-z]+$/);
      expect(op.description, key).to.be.a("string").and.not.equal("");
      expect(op.tags, key).to.have.length(1);
      expect(tags, key).to.include(op.tags![0]);
    }
    expect(document.info.license?.name).to.equal("MIT");
    expect(document.info.contact?.name).to.be.a("string");
    expect(document.servers.map((s) => s.url)).to.include("http://localhost:3000");
  });

  it("answers every error with the one Error schema, and every answer with X-Correlation-ID", () => {
    for (const { key, operation: op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        const { headers, content } = resolved(response);
        expect(headers?.["X-Correlation-ID"], `${key} ${status}`).to.deep.equal({ $ref: "#/components/headers/CorrelationId" });
        if (Number(status) >= 400) expect(content?.["application/json"].schema, `${key} ${status}`).to.deep.equal({ $ref: "#/components/schemas/Error" });
      }
    }
  });

  it("documents each answer API Gateway gives itself on every operation that can meet it, with its code and Retry-After", () => {
    for (const spec of gatewayResponses) {
      if (spec.statusCode === undefined || spec.scope === "unknownRoutes") {
        expect(document.info.description, spec.responseType).to.include(spec.error);
        continue;
      }
      for (const route of routes.filter(inScope[spec.scope])) {
        const key = `${route.method} ${route.path} ${spec.responseType}`;
        const response = operation(`${route.method} ${route.path}`).responses[String(spec.statusCode)];
        expect(response, key).to.not.equal(undefined);
        const { description, headers } = resolved(response);
        expect(description, key).to.include(spec.error);
        if (spec.retryAfterSeconds !== undefined) expect(headers, key).to.have.property("Retry-After");
      }
    }
  });

  it("names the batch types: items extend EventInput, results are titled variants told apart by status", () => {
    const { schemas } = document.components;
    expect(schemas.BatchItem.allOf).to.deep.include({ $ref: "#/components/schemas/EventInput" });
    expect((schemas.BatchRequest.properties as { events: { items: unknown } }).events.items).to.deep.equal({ $ref: "#/components/schemas/BatchItem" });
    const result = schemas.BatchResult as { oneOf: Ref[]; discriminator: { propertyName: string; mapping: Record<string, string> } };
    expect(result.discriminator.propertyName).to.equal("status");
    expect(Object.values(result.discriminator.mapping).sort()).to.deep.equal(result.oneOf.map((r) => r.$ref).sort());
    for (const [status, ref] of Object.entries(result.discriminator.mapping)) {
      const variant = schemas[ref.replace("#/components/schemas/", "")] as { title: string; properties: { status: { enum: string[] } } };
      expect(variant.title, ref).to.be.a("string");
      expect(variant.properties.status.enum).to.deep.equal([status]);
    }
    const batch = operation("POST /events/batch").parameters ?? [];
    expect(batch).to.deep.include({ $ref: "#/components/parameters/IdempotencyKey" });
  });

  it("states the limits the functions apply, and gives examples they accept", () => {
    const limit = (operation("GET /events").parameters ?? []).find((p) => "name" in p && p.name === "limit") as { description: string; schema: Record<string, unknown> };
    expect(limit.schema).to.include({ default: defaultListLimit, minimum: 1, maximum: maxListLimit });
    expect(limit.description).to.include("refused");
    const batch = document.components.schemas.BatchRequest as { properties: { events: { maxItems: number } } };
    expect(batch.properties.events.maxItems).to.equal(defaultMaxBatchEvents);
    expect(decodeEventInput(operation("POST /events").requestBody?.content["application/json"].example).ok).to.equal(true);
    const items = (operation("POST /events/batch").requestBody?.content["application/json"].example as { events: Record<string, unknown>[] }).events;
    for (const { idempotency_key: _key, ...event } of items) expect(decodeEventInput(event).ok).to.equal(true);
  });
});
