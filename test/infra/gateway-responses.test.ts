import assert from "node:assert/strict";
import { one, ofType, runStack, type StackRun } from "./harness";

/** Every answer API Gateway gives itself, as a client meets it: status, error code, Retry-After. */
const expected = [
  { type: "REQUEST_TOO_LARGE", status: "413", error: "payload_too_large", retryAfter: undefined },
  { type: "MISSING_AUTHENTICATION_TOKEN", status: "404", error: "route_not_found", retryAfter: undefined },
  { type: "INVALID_API_KEY", status: "403", error: "invalid_api_key", retryAfter: undefined },
  { type: "THROTTLED", status: "429", error: "throttled", retryAfter: "'1'" },
  { type: "QUOTA_EXCEEDED", status: "429", error: "quota_exceeded", retryAfter: undefined },
  { type: "INTEGRATION_FAILURE", status: "503", error: "service_unavailable", retryAfter: "'1'" },
  { type: "INTEGRATION_TIMEOUT", status: "504", error: "integration_timeout", retryAfter: undefined },
  { type: "DEFAULT_4XX", status: undefined, error: "request_refused", retryAfter: undefined },
  { type: "DEFAULT_5XX", status: "502", error: "gateway_error", retryAfter: undefined },
];

for (const stack of ["dev", "prod"] as const) {
  describe(`REST API gateway responses (${stack})`, () => {
    let run: StackRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("maps each answer API Gateway gives itself to Fluxa's error shape, with its status and Retry-After", () => {
      const responses = ofType(run, "aws:apigateway/response:Response");
      assert.deepEqual(responses.map((r) => r.inputs.responseType).sort(), expected.map((e) => e.type).sort());
      for (const want of expected) {
        const { inputs, name } = responses.find((r) => r.inputs.responseType === want.type)!;
        assert.equal(inputs.restApiId, "fluxa-pipeline-api-id", name);
        assert.equal(inputs.statusCode, want.status, name);
        const parameters = inputs.responseParameters as Record<string, string>;
        assert.equal(parameters["gatewayresponse.header.Retry-After"], want.retryAfter, name);
        const templates = inputs.responseTemplates as Record<string, string>;
        assert.deepEqual(Object.keys(templates), ["application/json"], name);
        const body = JSON.parse(templates["application/json"]) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body), ["error", "message"], name);
        assert.equal(body.error, want.error, name);
        assert.equal(typeof body.message, "string", name);
      }
    });

    it("puts API Gateway's request id in X-Correlation-ID on each of them and on the /health mock", () => {
      for (const response of ofType(run, "aws:apigateway/response:Response")) {
        assert.equal((response.inputs.responseParameters as Record<string, string>)["gatewayresponse.header.X-Correlation-ID"], "context.requestId", response.name);
      }
      const methodResponse = one(run, "aws:apigateway/methodResponse:MethodResponse", "fluxa-pipeline-get-health-response").inputs;
      assert.deepEqual(methodResponse.responseParameters, { "method.response.header.X-Correlation-ID": true });
      const integrationResponse = one(run, "aws:apigateway/integrationResponse:IntegrationResponse", "fluxa-pipeline-get-health-integration-response").inputs;
      assert.deepEqual(integrationResponse.responseParameters, { "method.response.header.X-Correlation-ID": "context.requestId" });
    });

    it("keeps the INTEGRATION_FAILURE response's name, so the deployed one is updated, not replaced", () => {
      assert.equal(one(run, "aws:apigateway/response:Response", "fluxa-pipeline-integration-failure").inputs.responseType, "INTEGRATION_FAILURE");
    });

  });
}
