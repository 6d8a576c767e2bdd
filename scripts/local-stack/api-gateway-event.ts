import { createHash } from "node:crypto";
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { RouteSpec } from "../../functions/topology";

export type RouteMatch =
  | { readonly found: true; readonly route: RouteSpec; readonly pathParameters: Readonly<Record<string, string>> }
  | { readonly found: false };

/** REST API resource matching: `{name}` takes exactly one non-empty path segment. */
export function matchRoute(routes: readonly RouteSpec[], method: string, path: string): RouteMatch {
  const segments = path.split("/").slice(1);
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split("/").slice(1);
    if (pattern.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    const matches = pattern.every((part, index) => {
      const segment = segments[index];
      if (!/^\{\w+\}$/.test(part)) return part === segment;
      if (segment === "") return false;
      pathParameters[part.slice(1, -1)] = safeDecode(segment);
      return true;
    });
    if (matches) return { found: true, route, pathParameters };
  }
  return { found: false };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export interface IncomingRequest {
  readonly method: string;
  /** The request target as received: path and query string. */
  readonly url: string;
  /** Node's `rawHeaders`: names as sent, in order, duplicates kept. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly httpVersion: string;
}

export interface RequestFacts {
  readonly requestId: string;
  readonly stage: string;
  readonly receivedAt: Date;
  /** The key the request was admitted with, when the route requires one. */
  readonly apiKey: string | null;
}

/** The REST API (v1) Lambda proxy integration event. */
export function proxyEvent(
  request: IncomingRequest,
  match: Extract<RouteMatch, { found: true }>,
  facts: RequestFacts,
): APIGatewayProxyEvent {
  const target = new URL(request.url, "http://local");
  const headers = collect(pairs(request.rawHeaders));
  const query = collect([...target.searchParams.entries()]);
  const header = (name: string) => Object.entries(headers.single).find(([sent]) => sent.toLowerCase() === name)?.[1];
  const host = header("host") ?? "localhost";
  const body = decodeBody(request.body);
  return {
    resource: match.route.path,
    path: target.pathname,
    httpMethod: request.method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.count > 0 ? query.single : null,
    multiValueQueryStringParameters: query.count > 0 ? query.multi : null,
    pathParameters: Object.keys(match.pathParameters).length > 0 ? { ...match.pathParameters } : null,
    stageVariables: null,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: undefined,
      domainName: host,
      domainPrefix: host.split(".")[0],
      extendedRequestId: facts.requestId,
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: facts.apiKey,
        // API Gateway gives each key an id of its own; a digest of the key stands in for it.
        apiKeyId: facts.apiKey === null ? null : createHash("sha256").update(facts.apiKey).digest("hex").slice(0, 10),
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: header("user-agent") ?? null,
        userArn: null,
      },
      path: `/${facts.stage}${target.pathname}`,
      protocol: `HTTP/${request.httpVersion}`,
      requestId: facts.requestId,
      requestTime: requestTime(facts.receivedAt),
      requestTimeEpoch: facts.receivedAt.getTime(),
      resourceId: "local",
      resourcePath: match.route.path,
      stage: facts.stage,
    },
    body: body.text,
    isBase64Encoded: body.isBase64Encoded,
  };
}

function pairs(flat: readonly string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (let index = 0; index + 1 < flat.length; index += 2) result.push([flat[index], flat[index + 1]]);
  return result;
}

/** API Gateway's two views of repeated names: the last value, and every value in order. */
function collect(entries: ReadonlyArray<[string, string]>) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of entries) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi, count: entries.length };
}

function decodeBody(body: Buffer): { text: string | null; isBase64Encoded: boolean } {
  if (body.length === 0) return { text: null, isBase64Encoded: false };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body), isBase64Encoded: false };
  } catch {
    return { text: body.toString("base64"), isBase64Encoded: true };
  }
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `15/Jan/2024:10:30:00 +0000`, the format of requestContext.requestTime. */
function requestTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const date = `${two(at.getUTCDate())}/${months[at.getUTCMonth()]}/${at.getUTCFullYear()}`;
  return `${date}:${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`;
}
