import { readFileSync } from "node:fs";
import * as path from "node:path";
import addFormats from "ajv-formats";
import { OpenAPIBackend, ValidationContext, type Document } from "openapi-backend";
import { correlationIdHeader } from "../../functions/gateway-responses";

export const openApiDocumentPath = path.join(__dirname, "..", "..", "docs", "openapi.json");

/** One HTTP answer as a client saw it. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface Contract {
  /** What in the answer to `method path` the document does not promise; empty when it keeps to it. */
  mismatches(method: string, requestPath: string, answer: Answer): string[];
}

/**
 * docs/openapi.json, loaded by openapi-backend in strict mode (so an invalid document fails to load)
 * and used as a validator of real answers: the status must be documented for the operation, and the
 * body and headers must match that response's schemas.
 */
export async function loadContract(): Promise<Contract> {
  const definition = JSON.parse(readFileSync(openApiDocumentPath, "utf8")) as Document;
  // With ajv-formats, uuid and date-time are checked instead of ignored.
  const api = new OpenAPIBackend({ definition, strict: true, validate: true, customizeAjv: (ajv) => addFormats(ajv) });
  await api.init();
  const errorSchema = api.validator.getAjv(ValidationContext.Response).compile({ ...definition.components?.schemas?.Error, components: definition.components });
  return {
    mismatches(method, requestPath, answer) {
      const found: string[] = [];
      if (!answer.headers.get(correlationIdHeader)) found.push(`no ${correlationIdHeader} header`);
      let body: unknown;
      try {
        body = JSON.parse(answer.text);
      } catch {
        return [...found, `a body that is not JSON: ${answer.text.slice(0, 120)}`];
      }
      const operation = api.matchOperation({ method, path: requestPath, headers: {} });
      if (!operation) {
        // No route: API Gateway's own 404, which the document describes as the Error schema on any path.
        if (answer.status !== 404) found.push(`status ${answer.status} for a request no operation matches`);
        if (!errorSchema(body)) found.push(`body is not an Error: ${JSON.stringify(errorSchema.errors)}`);
        return found;
      }
      if (!Object.hasOwn(operation.responses ?? {}, String(answer.status))) {
        return [...found, `status ${answer.status} is not documented for ${operation.operationId}`];
      }
      const bodyCheck = api.validateResponse(body, operation, answer.status);
      if (bodyCheck.errors) found.push(`body: ${JSON.stringify(bodyCheck.errors)}`);
      const headerCheck = api.validateResponseHeaders(Object.fromEntries(answer.headers), operation, { statusCode: answer.status });
      if (headerCheck.errors) found.push(`headers: ${JSON.stringify(headerCheck.errors)}`);
      if (answer.status >= 400 && !(typeof body === "object" && body !== null && "error" in body && "message" in body)) found.push("an error answer without error and message");
      return found;
    },
  };
}
