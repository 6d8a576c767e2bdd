import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";

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

export function errorResponse(
  statusCode: number,
  error: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
  extra: Readonly<Record<string, unknown>> = {},
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error, message, ...extra }, headers);
}

const correlationIdPattern = /^[\x21-\x7e]{1,128}$/;

/** The caller's X-Correlation-ID when it is printable ASCII of at most 128 characters, else a new one. */
export function correlationIdOf(event: Pick<APIGatewayProxyEvent, "headers">, newId: () => string): string {
  const given = headerValue(event, "x-correlation-id")?.trim();
  return given && correlationIdPattern.test(given) ? given : newId();
}
