import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { correlationIdHeader, gatewayResponseBody, gatewayResponses, type GatewayResponseSpec } from "../functions/gateway-responses";

/**
 * AWS: a gateway response's header values are mapping expressions: a literal is single-quoted, and
 * `context.requestId` is API Gateway's id of the request, the one its access log line carries.
 */
function gatewayResponseParameters(spec: GatewayResponseSpec): Record<string, string> {
  return {
    [`gatewayresponse.header.${correlationIdHeader}`]: "context.requestId",
    ...(spec.retryAfterSeconds === undefined ? {} : { "gatewayresponse.header.Retry-After": `'${spec.retryAfterSeconds}'` }),
  };
}

/** One `aws.apigateway.Response` per answer API Gateway gives itself (functions/gateway-responses.ts). */
export function createGatewayResponses(name: string, api: aws.apigateway.RestApi, parent: pulumi.Resource): aws.apigateway.Response[] {
  return gatewayResponses.map(
    (spec) =>
      new aws.apigateway.Response(
        `${name}-${spec.responseType.toLowerCase().replace(/_/g, "-")}`,
        {
          restApiId: api.id,
          responseType: spec.responseType,
          statusCode: spec.statusCode === undefined ? undefined : String(spec.statusCode),
          responseParameters: gatewayResponseParameters(spec),
          responseTemplates: { "application/json": JSON.stringify(gatewayResponseBody(spec)) },
        },
        { parent },
      ),
  );
}
