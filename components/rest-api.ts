import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { correlationIdHeader } from "../functions/gateway-responses";
import type { FunctionName, RouteSpec } from "../functions/topology";
import { createGatewayResponses } from "./gateway-responses";
import { invokeSourcePath, pathSlug, redeploymentHash, resourceTree, routeSlug } from "./api-routes";
import type { FluxaConfig } from "../stack-config/config";
import { assumeRolePolicy } from "./policies";
import { createSourceUsagePlans, type SourceKey } from "./source-keys";
import type { SourceConfig } from "../stack-config/sources";

export interface RestApiArgs {
  readonly apiName: string;
  readonly stageName: string;
  readonly routes: readonly RouteSpec[];
  /** The functions routes may integrate with, by topology name. */
  readonly functions: Readonly<Partial<Record<FunctionName, aws.lambda.Function>>>;
  readonly accessLogGroupArn: pulumi.Input<string>;
  readonly limits: FluxaConfig["api"];
  /** Each source gets a usage plan on the stage with its limits, holding its keys. */
  readonly sources: readonly SourceConfig[];
  readonly sourceKeys: readonly SourceKey[];
}

export interface RestApi {
  readonly invokeUrl: pulumi.Output<string>;
}

/** One line per request; `requestId` ties it to the function's logs. */
export const accessLogFormat = JSON.stringify({
  requestId: "$context.requestId",
  extendedRequestId: "$context.extendedRequestId",
  ip: "$context.identity.sourceIp",
  apiKeyId: "$context.identity.apiKeyId",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  responseLength: "$context.responseLength",
  latencyMs: "$context.responseLatency",
  integrationError: "$context.integration.error",
});

/** A REST API whose resources, methods and integrations are exactly the topology's routes. */
export function createRestApi(name: string, args: RestApiArgs, parent: pulumi.Resource): RestApi {
  const opts = { parent };
  const api = new aws.apigateway.RestApi(
    `${name}-api`,
    { name: args.apiName, endpointConfiguration: { types: "REGIONAL" }, apiKeySource: "HEADER" },
    opts,
  );
  const resourceIds = new Map<string, pulumi.Output<string>>([["/", api.rootResourceId]]);
  for (const node of resourceTree(args.routes)) {
    const resource = new aws.apigateway.Resource(
      `${name}-resource-${pathSlug(node.path)}`,
      { restApi: api.id, parentId: resourceIds.get(node.parentPath)!, pathPart: node.pathPart },
      opts,
    );
    resourceIds.set(node.path, resource.id);
  }

  const routeParts = args.routes.map((route): { resources: pulumi.Resource[]; fingerprint: pulumi.Output<unknown> } => {
    const slug = `${name}-${routeSlug(route)}`;
    const resourceId = resourceIds.get(route.path)!;
    const method = new aws.apigateway.Method(
      slug,
      { restApi: api.id, resourceId, httpMethod: route.method, authorization: "NONE", apiKeyRequired: route.apiKeyRequired },
      opts,
    );
    const target = { restApi: api.id, resourceId, httpMethod: method.httpMethod };
    if (route.integration.kind === "lambda") {
      const fn = args.functions[route.integration.function];
      if (!fn) throw new Error(`route ${route.method} ${route.path}: no function "${route.integration.function}" to integrate with`);
      new aws.lambda.Permission(
        `${slug}-permission`,
        {
          function: fn.name,
          action: "lambda:InvokeFunction",
          principal: "apigateway.amazonaws.com",
          sourceArn: pulumi.interpolate`${api.executionArn}/*/${invokeSourcePath(route)}`,
        },
        opts,
      );
      const integration = new aws.apigateway.Integration(
        `${slug}-integration`,
        { ...target, type: "AWS_PROXY", integrationHttpMethod: "POST", uri: fn.invokeArn },
        opts,
      );
      return { resources: [method, integration], fingerprint: pulumi.all([method.id, integration.id, integration.uri]) };
    }
    const statusCode = String(route.integration.statusCode);
    const integration = new aws.apigateway.Integration(
      `${slug}-integration`,
      { ...target, type: "MOCK", requestTemplates: { "application/json": JSON.stringify({ statusCode: route.integration.statusCode }) } },
      opts,
    );
    const correlationId = `method.response.header.${correlationIdHeader}`;
    const methodResponse = new aws.apigateway.MethodResponse(`${slug}-response`, { ...target, statusCode, responseParameters: { [correlationId]: true } }, opts);
    const integrationResponse = new aws.apigateway.IntegrationResponse(
      `${slug}-integration-response`,
      {
        ...target,
        statusCode,
        responseParameters: { [correlationId]: "context.requestId" },
        responseTemplates: { "application/json": JSON.stringify(route.integration.body) },
      },
      { parent, dependsOn: [integration, methodResponse] },
    );
    return {
      resources: [method, integration, methodResponse, integrationResponse],
      fingerprint: pulumi.all([method.id, integration.id, integrationResponse.id]),
    };
  });

  const gatewayResponses = createGatewayResponses(name, api, parent);
  const fingerprints = [...routeParts.map((p) => p.fingerprint), ...gatewayResponses.map((r) => pulumi.all([r.id, r.statusCode, r.responseTemplates]))];
  const deployment = new aws.apigateway.Deployment(
    `${name}-deployment`,
    {
      restApi: api.id,
      // The integration URI is in the fingerprint: a replaced function changes it without changing any id.
      triggers: { redeployment: pulumi.all(fingerprints).apply((parts) => redeploymentHash(args.routes, parts)) },
    },
    { parent, dependsOn: [...routeParts.flatMap((p) => p.resources), ...gatewayResponses] },
  );
  const account = args.limits.manageAccountSettings ? [createLoggingAccount(name, parent)] : [];
  const stage = new aws.apigateway.Stage(
    `${name}-stage`,
    {
      restApi: api.id,
      deployment: deployment.id,
      stageName: args.stageName,
      accessLogSettings: { destinationArn: args.accessLogGroupArn, format: accessLogFormat },
    },
    { parent, dependsOn: account },
  );
  new aws.apigateway.MethodSettings(
    `${name}-throttling`,
    {
      restApi: api.id,
      stageName: stage.stageName,
      methodPath: "*/*",
      settings: { throttlingRateLimit: args.limits.throttleRateLimit, throttlingBurstLimit: args.limits.throttleBurstLimit, metricsEnabled: true },
    },
    opts,
  );

  createSourceUsagePlans(name, args.apiName, { apiId: api.id, stageName: stage.stageName }, args.sources, args.sourceKeys, parent);
  return { invokeUrl: stage.invokeUrl };
}

/**
 * AWS: API Gateway writes access logs only once the region's account settings name a CloudWatch
 * role. That setting is one per account and region, shared by every API in it, so one stack owns
 * it (`apiGatewayAccountSettings`); AWS's managed policy for it is the narrowest that covers every
 * API's log groups.
 */
function createLoggingAccount(name: string, parent: pulumi.Resource): aws.apigateway.Account {
  const role = new aws.iam.Role(`${name}-logging-role`, { assumeRolePolicy: assumeRolePolicy("apigateway.amazonaws.com") }, { parent });
  const attachment = new aws.iam.RolePolicyAttachment(
    `${name}-logging-policy`,
    { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" },
    { parent },
  );
  return new aws.apigateway.Account(`${name}-account`, { cloudwatchRoleArn: role.arn }, { parent, dependsOn: [attachment] });
}
