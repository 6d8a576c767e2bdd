import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { forbiddenResponse, requestScope, type RequestScope } from "./http";
import type { Logger } from "./logger";
import { sourceOfRequest, type SourceDirectory } from "./sources";

/** A request's scope with its caller's source, whose logger names the source on every line. */
export interface CallerScope extends RequestScope {
  readonly source: string;
}

/**
 * The request's scope and the source of its API key's id; a key id of no source is refused with the
 * 403 API Gateway gives a missing key, so a caller cannot tell the two apart.
 */
export function callerScope(
  request: Pick<APIGatewayProxyEvent, "headers" | "requestContext">,
  context: Pick<Context, "awsRequestId">,
  log: Logger,
  newCorrelationId: () => string,
  sources: SourceDirectory,
): { readonly scope: CallerScope } | { readonly refused: APIGatewayProxyResult } {
  const scope = requestScope(request, context, log, newCorrelationId);
  const source = sourceOfRequest(request, sources);
  if (source === undefined) return { refused: forbiddenResponse(scope.headers) };
  return { scope: { ...scope, source, log: scope.log.child({ source }) } };
}
