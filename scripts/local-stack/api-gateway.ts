import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { correlationIdHeader, gatewayResponse, gatewayResponseBody, type GatewayResponseType } from "../../functions/gateway-responses";
import type { RouteSpec } from "../../functions/topology";
import { matchRoute, proxyEvent } from "./api-gateway-event";
import { InvocationError, responseSizeTooLarge, throttledErrorType, type LambdaFunctions } from "./lambda-runtime";
import { lambdaProxyResponse, type GatewayResponse } from "./lambda-proxy-response";
import { readLimitedBody } from "./request-body";

/** API Gateway's request payload limit. */
export const maxRequestBodyBytes = 10 * 1024 * 1024;

export interface ApiGatewayOptions {
  readonly routes: readonly RouteSpec[];
  readonly functions: Pick<LambdaFunctions, "invoke">;
  readonly apiKeys: readonly string[];
  /** 0 picks a free port. */
  readonly port: number;
  readonly stage?: string;
}

export interface ApiGateway {
  /** `http://127.0.0.1:<port>`; routes hang directly off it (no stage segment). */
  readonly url: string;
  stop(): Promise<void>;
}

/** The answer the deployed API's gateway response of this type gives (components/gateway-responses.ts). */
function gatewayAnswer(responseType: GatewayResponseType): GatewayResponse {
  const spec = gatewayResponse(responseType);
  if (spec.statusCode === undefined) throw new Error(`${responseType} keeps the status of the refusal it covers; the local gateway gives none`);
  const retryAfter: Array<[string, string]> = spec.retryAfterSeconds === undefined ? [] : [["Retry-After", String(spec.retryAfterSeconds)]];
  return {
    statusCode: spec.statusCode,
    headers: [["Content-Type", "application/json"], ["x-amzn-ErrorType", spec.amznErrorType], ...retryAfter],
    body: Buffer.from(JSON.stringify(gatewayResponseBody(spec))),
    fromGateway: true,
  };
}

const requestTooLarge = gatewayAnswer("REQUEST_TOO_LARGE");
const noRoute = gatewayAnswer("MISSING_AUTHENTICATION_TOKEN");
const invalidApiKey = gatewayAnswer("INVALID_API_KEY");
const integrationFailure = gatewayAnswer("INTEGRATION_FAILURE");
const functionFailed = gatewayAnswer("DEFAULT_5XX");

/**
 * Invocations API Gateway reports as INTEGRATION_FAILURE: Lambda refused the invoke (throttled), or
 * the function's result passed the payload limit. Other function errors are DEFAULT_5XX's 502.
 */
const integrationFailureErrorTypes: ReadonlySet<string> = new Set([throttledErrorType, responseSizeTooLarge.errorType]);

export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGateway> {
  const server = createServer((request, response) => {
    const requestId = randomUUID();
    handle(options, request, requestId)
      .catch(() => functionFailed)
      .then((answer) => send(response, requestId, answer), () => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stop: () => close(server) };
}

async function handle(options: ApiGatewayOptions, request: IncomingMessage, requestId: string): Promise<GatewayResponse> {
  const receivedAt = new Date();
  const body = await readLimitedBody(request, maxRequestBodyBytes);
  if (!body) return requestTooLarge;
  const url = request.url ?? "/";
  const method = request.method ?? "GET";
  const match = matchRoute(options.routes, method, new URL(url, "http://local").pathname);
  if (!match.found) return noRoute;
  const apiKey = headerValue(request, "x-api-key");
  if (match.route.apiKeyRequired && (apiKey === undefined || !options.apiKeys.includes(apiKey))) return invalidApiKey;
  const integration = match.route.integration;
  if (integration.kind === "mock") {
    return {
      statusCode: integration.statusCode,
      headers: [["Content-Type", "application/json"]],
      body: Buffer.from(JSON.stringify(integration.body)),
      fromGateway: true,
    };
  }
  const event = proxyEvent(
    { method, url, rawHeaders: request.rawHeaders, body, sourceIp: request.socket.remoteAddress ?? "127.0.0.1", httpVersion: request.httpVersion },
    match,
    { requestId, stage: options.stage ?? "local", receivedAt, apiKey: match.route.apiKeyRequired ? (apiKey ?? null) : null },
  );
  try {
    return lambdaProxyResponse(await options.functions.invoke(integration.function, event)) ?? functionFailed;
  } catch (error) {
    return error instanceof InvocationError && integrationFailureErrorTypes.has(error.errorType) ? integrationFailure : functionFailed;
  }
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function send(response: ServerResponse, requestId: string, answer: GatewayResponse): void {
  response.statusCode = answer.statusCode;
  for (const [name, value] of answer.headers) response.appendHeader(name, value);
  response.setHeader("x-amzn-RequestId", requestId);
  // As deployed: API Gateway's own answers (gateway responses, the mock) carry its request id.
  if (answer.fromGateway) response.setHeader(correlationIdHeader, requestId);
  response.end(answer.body);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}
