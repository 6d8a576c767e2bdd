import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { correlationIdHeader, gatewayResponse } from "../gateway-responses";
import { correlationIdPattern } from "./id-formats";
import type { Logger } from "./logger";

/** Header lookup; API Gateway passes header names as the client sent them. */
export function headerValue(event: Pick<APIGatewayProxyEvent, "headers">, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * What API Gateway answers a request without a valid API key; the functions answer the same to a key
 * id their deployment does not know, so a caller cannot tell the two apart.
 */
export function forbiddenResponse(headers: Readonly<Record<string, string>> = {}): APIGatewayProxyResult {
  const { statusCode, error, message } = gatewayResponse("INVALID_API_KEY");
  return errorResponse(statusCode ?? 403, error, message, headers);
}

export function errorResponse(
  statusCode: number,
  error: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
  extra: Readonly<Record<string, unknown>> = {},
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error, message, ...extra }, headers);
}

/** The caller's X-Correlation-ID when it is printable ASCII of at most 128 characters, else a new one. */
export function correlationIdOf(event: Pick<APIGatewayProxyEvent, "headers">, newId: () => string): string {
  const given = headerValue(event, correlationIdHeader)?.trim();
  return given && correlationIdPattern.test(given) ? given : newId();
}

export type ProxyHandler = (request: APIGatewayProxyEvent, context: Pick<Context, "awsRequestId">) => Promise<APIGatewayProxyResult>;

/** One function serving several routes: API Gateway names the matched resource in `resource`. */
export function byResource(handlers: Readonly<Record<string, ProxyHandler>>): ProxyHandler {
  return (request, context) => {
    const handler = Object.hasOwn(handlers, request.resource) ? handlers[request.resource] : undefined;
    if (handler) return handler(request, context);
    return Promise.resolve(errorResponse(404, "not_found", `no route ${request.httpMethod} ${request.resource}`));
  };
}

export interface RequestScope {
  readonly correlationId: string;
  /** Headers every answer to this request carries. */
  readonly headers: Readonly<Record<string, string>>;
  /** The function's logger with the request's correlation id on every line. */
  readonly log: Logger;
}

export function requestScope(
  request: Pick<APIGatewayProxyEvent, "headers">,
  context: Pick<Context, "awsRequestId">,
  log: Logger,
  newCorrelationId: () => string,
): RequestScope {
  const correlationId = correlationIdOf(request, newCorrelationId);
  return {
    correlationId,
    headers: { [correlationIdHeader]: correlationId },
    log: log.child({ correlation_id: correlationId, aws_request_id: context.awsRequestId }),
  };
}
