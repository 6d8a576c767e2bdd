import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "../../stack-config/config";
import { createRestApi } from "../../components/rest-api";
import { routes, type FunctionName, type RouteSpec } from "../../functions/topology";
import { promiseOf, runOffline } from "../../scripts/preview/mock-engine";
import { readStackConfig } from "../../scripts/preview/stack-file";

/** The REST API alone under mocks, with `routes` and functions named `<fn><suffix>`; answers the deployment's trigger. */
async function redeploymentTrigger(apiRoutes: readonly RouteSpec[], functionSuffix = ""): Promise<string> {
  const { registrations } = await runOffline("dev", readStackConfig("dev"), () => {
    const parent = new pulumi.ComponentResource("test:index:Parent", "parent");
    const fn = (name: FunctionName) =>
      new aws.lambda.Function(`${name}${functionSuffix}`, { role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs24.x", handler: "index.handler", code: new pulumi.asset.AssetArchive({}) }, { parent });
    const config = loadConfig();
    createRestApi(
      "api",
      {
        apiName: "fluxa-dev",
        stageName: "dev",
        routes: apiRoutes,
        functions: { ingest: fn("ingest"), query: fn("query") },
        accessLogGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:access",
        limits: config.api,
        sources: config.sources,
        sourceKeys: [],
      },
      parent,
    );
  });
  const deployment = registrations.find((r) => r.type === "aws:apigateway/deployment:Deployment");
  assert.ok(deployment, "no API deployment was registered");
  return promiseOf((deployment.inputs.triggers as { redeployment: string }).redeployment);
}

const replaced = (index: number, change: Partial<RouteSpec>): RouteSpec[] => routes.map((r, i) => (i === index ? { ...r, ...change } : r));
const getById = routes.findIndex((r) => r.method === "GET" && r.path === "/events/{id}");
const health = routes.findIndex((r) => r.path === "/health");

describe("REST API redeployment trigger", () => {
  let base: string;
  before(async () => {
    base = await redeploymentTrigger(routes);
  });

  it("stays the same when nothing changes, so an unchanged API is not redeployed", async () => {
    assert.equal(await redeploymentTrigger(routes), base);
  });

  it("changes when a route's path changes", async () => {
    assert.notEqual(await redeploymentTrigger(replaced(getById, { path: "/events/{eventId}" })), base);
  });

  it("changes when a route is added or removed", async () => {
    assert.notEqual(await redeploymentTrigger(routes.filter((_, i) => i !== getById)), base);
  });

  it("changes when a route's integration targets another function", async () => {
    assert.notEqual(await redeploymentTrigger(replaced(getById, { integration: { kind: "lambda", function: "ingest" } })), base);
  });

  it("changes when a mock integration's answer changes", async () => {
    assert.notEqual(await redeploymentTrigger(replaced(health, { integration: { kind: "mock", statusCode: 200, body: { status: "ok" } } })), base);
  });

  it("changes when an integrated function is replaced (a new invoke ARN, the same route)", async () => {
    assert.notEqual(await redeploymentTrigger(routes, "-v2"), base);
  });
});
