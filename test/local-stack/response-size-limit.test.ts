import assert from "node:assert/strict";
import * as path from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { maxSynchronousPayloadBytes, routes } from "../../functions/topology";
import { startApiGateway, type ApiGateway } from "../../scripts/local-stack/api-gateway";
import { startLambdaApi, type LambdaApi } from "../../scripts/local-stack/lambda-api";
import { InvocationError, LambdaRuntime } from "../../scripts/local-stack/lambda-runtime";

/** The probe stands in for the query function, so the topology's GET /events/{id} reaches it. */
const probeAsQuery = {
  name: "query",
  bundleDir: path.join(__dirname, "fixtures", "probe-function"),
  timeoutSeconds: 5,
  memoryMb: 256,
  environment: {},
  region: "us-east-1",
  quiet: true,
};

/** Quotes in a proxy result's body that make its JSON exactly the limit: each is escaped to two bytes. */
const quotesAtTheLimit = (maxSynchronousPayloadBytes - JSON.stringify({ statusCode: 200, body: "" }).length) / 2;

describe("local stack: Lambda's 6 MB response limit, wherever the invocation comes from", function () {
  this.timeout(30_000);
  let runtime: LambdaRuntime;
  let gateway: ApiGateway;
  let lambdaApi: LambdaApi;
  let client: LambdaClient;

  before(async () => {
    runtime = new LambdaRuntime([probeAsQuery], 1);
    gateway = await startApiGateway({ routes, functions: runtime, apiKeys: ["key"], port: 0 });
    lambdaApi = await startLambdaApi(runtime, ["query"]);
    client = new LambdaClient({ endpoint: lambdaApi.url, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  });

  after(async () => {
    client.destroy();
    await Promise.all([gateway.stop(), lambdaApi.stop()]);
    await runtime.stop();
  });

  it("counts the result as Lambda serialises it: a body of 3 MB of quotes is over 6 MB", async () => {
    assert.ok(Number.isInteger(quotesAtTheLimit));

    const atTheLimit = (await runtime.invoke("query", { action: "quotes", count: quotesAtTheLimit })) as { body: string };
    const overIt = await runtime.invoke("query", { action: "quotes", count: quotesAtTheLimit + 1 }).then(
      () => assert.fail("the invocation succeeded"),
      (error: unknown) => error,
    );

    assert.equal(atTheLimit.body.length, quotesAtTheLimit);
    assert.ok(overIt instanceof InvocationError);
    assert.equal(overIt.errorType, "Function.ResponseSizeTooLarge");
    assert.equal(overIt.message, "Response payload size exceeded maximum allowed payload size (6291556 bytes).");
  });

  it("answers through API Gateway as the deployed API's INTEGRATION_FAILURE response", async () => {
    const response = await fetch(`${gateway.url}/events/any?action=quotes&count=${quotesAtTheLimit + 1}`, { headers: { "x-api-key": "key" } });

    assert.equal(response.status, 503);
    assert.equal(response.headers.get("retry-after"), "1");
    assert.equal(response.headers.get("x-amzn-errortype"), "InternalServerErrorException");
    assert.equal(((await response.json()) as { error: string }).error, "service_unavailable");
  });

  it("answers through the Invoke API as a function error with Lambda's type and message", async () => {
    const payload = JSON.stringify({ action: "quotes", count: quotesAtTheLimit + 1 });

    const result = await client.send(new InvokeCommand({ FunctionName: "query", Payload: Buffer.from(payload) }));

    assert.equal(result.StatusCode, 200);
    assert.equal(result.FunctionError, "Unhandled");
    assert.deepEqual(JSON.parse(Buffer.from(result.Payload ?? []).toString("utf8")), {
      errorType: "Function.ResponseSizeTooLarge",
      errorMessage: "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
    });
  });
});
