export interface GatewayResponse {
  readonly statusCode: number;
  /** In order; a name may repeat. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  /** Answered by API Gateway itself (a gateway response or a mock integration), not by a function. */
  readonly fromGateway?: boolean;
}

type HeaderValue = string | number | boolean;

/**
 * Turns a Lambda proxy integration result into the HTTP response API Gateway sends, or undefined
 * when the result is malformed (API Gateway then answers 502).
 */
export function lambdaProxyResponse(result: unknown): GatewayResponse | undefined {
  if (result === null || typeof result !== "object") return undefined;
  const { statusCode, headers = {}, multiValueHeaders = {}, body, isBase64Encoded } = result as Record<string, unknown>;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (!isRecord(headers) || !isRecord(multiValueHeaders)) return undefined;
  if (body !== undefined && body !== null && typeof body !== "string") return undefined;
  const merged: Array<[string, string]> = [];
  const multiValueNames = new Set(Object.keys(multiValueHeaders).map((name) => name.toLowerCase()));
  for (const [name, values] of Object.entries(multiValueHeaders)) {
    for (const value of Array.isArray(values) ? (values as HeaderValue[]) : []) merged.push([name, String(value)]);
  }
  // A name present in multiValueHeaders takes its values from there only.
  for (const [name, value] of Object.entries(headers)) {
    if (!multiValueNames.has(name.toLowerCase())) merged.push([name, String(value)]);
  }
  // REST APIs label a response without a Content-Type as JSON.
  if (!merged.some(([name]) => name.toLowerCase() === "content-type")) merged.push(["Content-Type", "application/json"]);
  const text = body ?? "";
  return { statusCode, headers: merged, body: isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
