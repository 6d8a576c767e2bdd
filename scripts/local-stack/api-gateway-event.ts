import { createHash } from "node:crypto";
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { RouteSpec } from "../../functions/topology";

/** API Gateway gives each key an id of its own; locally a digest of the key stands in for it. */
export function localApiKeyId(apiKey: string): string {
  return createHash("sha256").update(apiKey).digest("hex").slice(0, 10);
}

export type RouteMatch =
  | { readonly found: true; readonly route: RouteSpec; readonly pathParameters: Readonly<Record<string, string>> }
  | { readonly found: false };

/** REST API resource matching: `{name}` takes exactly one non-empty path segment. */
export function matchRoute(routes: readonly RouteSpec[], method: string, path: string): RouteMatch {
  const segments = path.split("/").slice(1);
  // API Gateway resolves the resource first, a literal segment before a {parameter} one, then the
  // method on that resource: GET /events/batch is the batch resource's (absent) GET, not GET /events/{id}.
  const resources = [...new Set(routes.map((r) => r.path))]
    .map((resource) => ({ resource, pathParameters: matchResource(resource.split("/").slice(1), segments) }))
    .filter((m): m is { resource: string; pathParameters: Record<string, string> } => m.pathParameters !== undefined)
    .sort((a, b) => specificity(b.resource).localeCompare(specificity(a.resource)));
  const best = resources[0];
  const route = best && routes.find((r) => r.path === best.resource && r.method === method);
  return route ? { found: true, route, pathParameters: best.pathParameters } : { found: false };
}

/** "1" per literal segment, "0" per parameter: a higher string is the more specific resource. */
function specificity(resource: string): string {
  return resource.split("/").slice(1).map((part) => (/^\{\w+\}$/.test(part) ? "0" : "1")).join("");
}

function matchResource(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const pathParameters: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index];
    if (!/^\{\w+\}$/.test(part)) {
      if (part !== segment) return undefined;
    } else {
      if (segment === "") return undefined;
      pathParameters[part.slice(1, -1)] = safeDecode(segment);
    }
  }
  return pathParameters;
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
        apiKeyId: facts.apiKey === null ? null : localApiKeyId(facts.apiKey),
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
