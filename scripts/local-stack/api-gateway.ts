import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { integrationFailureResponse, type RouteSpec } from "../../functions/topology";
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

const gatewayError = (statusCode: number, errorType: string, message: string): GatewayResponse => ({
  statusCode,
  headers: [
    ["Content-Type", "application/json"],
    ["x-amzn-ErrorType", errorType],
  ],
  body: Buffer.from(JSON.stringify({ message })),
});

// REST APIs answer an unknown resource or method with 403, not 404, whether or not a key was sent.
const missingAuthenticationToken = gatewayError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
const forbidden = gatewayError(403, "ForbiddenException", "Forbidden");
const requestTooLong = gatewayError(413, "RequestEntityTooLargeException", "Request Too Long");
const internalServerError = gatewayError(502, "InternalServerErrorException", "Internal server error");

/**
 * Invocations API Gateway reports as INTEGRATION_FAILURE: Lambda refused the invoke (throttled), or
 * the function's result passed the payload limit. Other function errors stay a bare 502.
 */
const integrationFailureErrorTypes: ReadonlySet<string> = new Set([throttledErrorType, responseSizeTooLarge.errorType]);

/** The deployed API's INTEGRATION_FAILURE gateway response; API Gateway keeps the error type header it would have sent. */
const integrationFailure: GatewayResponse = {
  statusCode: integrationFailureResponse.statusCode,
  headers: [
    ["Content-Type", "application/json"],
    ["x-amzn-ErrorType", "InternalServerErrorException"],
    ["Retry-After", String(integrationFailureResponse.retryAfterSeconds)],
  ],
  body: Buffer.from(JSON.stringify(integrationFailureResponse.body)),
};

export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGateway> {
  const server = createServer((request, response) => {
    const requestId = randomUUID();
    handle(options, request, requestId)
      .catch(() => internalServerError)
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
  if (!body) return requestTooLong;
  const url = request.url ?? "/";
  const method = request.method ?? "GET";
  const match = matchRoute(options.routes, method, new URL(url, "http://local").pathname);
  if (!match.found) return missingAuthenticationToken;
  const apiKey = headerValue(request, "x-api-key");
  if (match.route.apiKeyRequired && (apiKey === undefined || !options.apiKeys.includes(apiKey))) return forbidden;
  const integration = match.route.integration;
  if (integration.kind === "mock") {
    return {
      statusCode: integration.statusCode,
      headers: [["Content-Type", "application/json"]],
      body: Buffer.from(JSON.stringify(integration.body)),
    };
  }
  const event = proxyEvent(
    { method, url, rawHeaders: request.rawHeaders, body, sourceIp: request.socket.remoteAddress ?? "127.0.0.1", httpVersion: request.httpVersion },
    match,
    { requestId, stage: options.stage ?? "local", receivedAt, apiKey: match.route.apiKeyRequired ? (apiKey ?? null) : null },
  );
  try {
    return lambdaProxyResponse(await options.functions.invoke(integration.function, event)) ?? internalServerError;
  } catch (error) {
    return error instanceof InvocationError && integrationFailureErrorTypes.has(error.errorType) ? integrationFailure : internalServerError;
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
  response.end(answer.body);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}
