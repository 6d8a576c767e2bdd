import type { APIGatewayProxyEvent } from "aws-lambda";
import assert from "node:assert/strict";
import { request } from "node:http";
import { routes } from "../../functions/topology";
import { maxRequestBodyBytes, startApiGateway, type ApiGateway } from "../../scripts/local-stack/api-gateway";
import { InvocationError } from "../../scripts/local-stack/lambda-runtime";

const apiKey = "test-key";

/** The `error` of a JSON error body; fails unless it has both `error` and `message`. */
function errorCode(response: { text: string }): string {
  const body = JSON.parse(response.text) as { error?: unknown; message?: unknown };
  assert.equal(typeof body.message, "string", response.text);
  return String(body.error);
}

interface Invocation {
  name: string;
  event: APIGatewayProxyEvent;
}

describe("local stack: API Gateway", () => {
  let gateway: ApiGateway;
  let invocations: Invocation[];
  let answer: (event: APIGatewayProxyEvent) => unknown;

  before(async () => {
    gateway = await startApiGateway({
      routes,
      apiKeys: ["other-key", apiKey],
      port: 0,
      functions: {
        invoke: (name, event) => {
          invocations.push({ name, event: event as APIGatewayProxyEvent });
          return Promise.resolve().then(() => answer(event as APIGatewayProxyEvent));
        },
      },
    });
  });

  beforeEach(() => {
    invocations = [];
    answer = () => ({ statusCode: 200, body: "{}" });
  });

  after(() => gateway.stop());

  async function call(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers, body });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  it("answers GET /health from the mock integration, without a key and without a function", async () => {
    const response = await call("GET", "/health");

    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.text), { status: "healthy" });
    assert.match(response.headers.get("x-amzn-requestid") ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(response.headers.get("x-correlation-id"), response.headers.get("x-amzn-requestid"));
    assert.equal(invocations.length, 0);
  });

  it("refuses a keyed route without a valid x-api-key: 403 invalid_api_key, with API Gateway's request id as X-Correlation-ID", async () => {
    const missing = await call("POST", "/events", {}, "{}");
    const wrong = await call("POST", "/events", { "x-api-key": "nope" }, "{}");

    for (const response of [missing, wrong]) {
      assert.equal(response.status, 403);
      assert.equal(errorCode(response), "invalid_api_key");
      assert.equal(response.headers.get("x-amzn-errortype"), "ForbiddenException");
      assert.equal(response.headers.get("x-correlation-id"), response.headers.get("x-amzn-requestid"));
    }
    assert.equal(invocations.length, 0);
  });

  it("answers an unknown path or method as the deployed MISSING_AUTHENTICATION_TOKEN response: 404 route_not_found", async () => {
    // GET /events/batch: the literal batch resource wins over {id}, and it has no GET.
    for (const [method, path] of [["GET", "/nope"], ["DELETE", "/events"], ["GET", "/events/"], ["GET", "/events/a/b"], ["GET", "/events/batch"]]) {
      const response = await call(method, path, { "x-api-key": apiKey });

      assert.equal(response.status, 404, `${method} ${path}`);
      assert.equal(errorCode(response), "route_not_found");
      assert.ok(response.headers.get("x-correlation-id"));
    }
  });

  it("invokes the route's function with a REST API proxy event", async () => {
    await call("GET", "/events/evt%201?a=1&a=2&b=x", { "x-api-key": apiKey, "X-Trace": "t1" });

    const [{ name, event }] = invocations;
    assert.equal(name, "query");
    const { resource, path, httpMethod, body, isBase64Encoded, requestContext } = event;
    assert.deepEqual({ resource, path, httpMethod, body, isBase64Encoded }, {
      resource: "/events/{id}",
      path: "/events/evt%201",
      httpMethod: "GET",
      body: null,
      isBase64Encoded: false,
    });
    assert.deepEqual(event.pathParameters, { id: "evt 1" });
    assert.deepEqual(event.queryStringParameters, { a: "2", b: "x" });
    assert.deepEqual(event.multiValueQueryStringParameters, { a: ["1", "2"], b: ["x"] });
    assert.equal(event.headers["X-Trace"], "t1");
    assert.deepEqual(event.multiValueHeaders["x-api-key"], [apiKey]);
    assert.equal(event.stageVariables, null);
    assert.deepEqual(
      [requestContext.resourcePath, requestContext.httpMethod, requestContext.stage, requestContext.path],
      ["/events/{id}", "GET", "local", "/local/events/evt%201"],
    );
    assert.equal(requestContext.identity.sourceIp, "127.0.0.1");
    assert.equal(requestContext.identity.apiKey, apiKey);
    assert.equal(typeof requestContext.requestTimeEpoch, "number");
    assert.match(requestContext.requestTime ?? "", /^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it("passes a UTF-8 body as text and any other body as base64", async () => {
    await call("POST", "/events", { "x-api-key": apiKey }, '{"café":1}');
    await call("POST", "/events", { "x-api-key": apiKey }, Buffer.from([0xff, 0xfe, 0x00]));

    assert.deepEqual(invocations.map(({ event }) => [event.body, event.isBase64Encoded]), [
      ['{"café":1}', false],
      ["//4A", true],
    ]);
  });

  it("writes the proxy result back: status, single and multi-value headers, base64 body", async () => {
    answer = () => ({
      statusCode: 201,
      headers: { "Content-Type": "application/octet-stream", "X-One": "1" },
      multiValueHeaders: { "Set-Cookie": ["a=1", "b=2"] },
      body: Buffer.from("binary!").toString("base64"),
      isBase64Encoded: true,
    });

    const response = await call("POST", "/events", { "x-api-key": apiKey }, "{}");

    assert.equal(response.status, 201);
    assert.equal(response.text, "binary!");
    assert.equal(response.headers.get("content-type"), "application/octet-stream");
    assert.equal(response.headers.get("x-one"), "1");
    assert.deepEqual(response.headers.getSetCookie(), ["a=1", "b=2"]);
  });

  it("answers 502 gateway_error when the function fails or returns no proxy result", async () => {
    const failures: Array<() => unknown> = [
      () => {
        throw new Error("boom");
      },
      () => ({ body: "no status code" }),
      () => "just a string",
    ];
    for (const failure of failures) {
      answer = failure;

      const response = await call("POST", "/events", { "x-api-key": apiKey }, "{}");

      assert.equal(response.status, 502);
      assert.equal(errorCode(response), "gateway_error");
      assert.ok(response.headers.get("x-correlation-id"));
    }
  });

  it("answers a throttled function as the deployed API's INTEGRATION_FAILURE response: 503, Retry-After, JSON error", async () => {
    answer = () => {
      throw new InvocationError("TooManyRequestsException", "Rate Exceeded.");
    };

    const response = await call("POST", "/events", { "x-api-key": apiKey }, "{}");

    assert.equal(response.status, 503);
    assert.equal(response.headers.get("retry-after"), "1");
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(response.headers.get("x-amzn-errortype"), "InternalServerErrorException");
    assert.equal(errorCode(response), "service_unavailable");
    assert.equal(response.headers.get("x-correlation-id"), response.headers.get("x-amzn-requestid"));
  });

  it("still answers 502 when the function ran and failed", async () => {
    answer = () => {
      throw new InvocationError("Runtime.UnhandledPromiseRejection", "boom");
    };

    const response = await call("GET", "/events/abc", { "x-api-key": apiKey });

    assert.equal(response.status, 502);
    assert.equal(response.headers.get("retry-after"), null);
  });

  it("answers a body over API Gateway's 10 MB limit 413 payload_too_large, in Fluxa's error shape", async () => {
    const response = await new Promise<{ status: number; text: string; correlationId: unknown }>((resolve, reject) => {
      const outgoing = request(`${gateway.url}/events`, { method: "POST", headers: { "x-api-key": apiKey } }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, text: Buffer.concat(chunks).toString(), correlationId: incoming.headers["x-correlation-id"] }));
      });
      outgoing.on("error", reject);
      outgoing.end(Buffer.alloc(maxRequestBodyBytes + 1, 0x20));
    });

    assert.equal(response.status, 413);
    assert.equal(errorCode(response), "payload_too_large");
    assert.equal(typeof response.correlationId, "string");
    assert.equal(invocations.length, 0);
  });
});
