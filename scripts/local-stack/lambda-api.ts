import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { maxSynchronousPayloadBytes } from "../../functions/topology";
import { InvocationError, type LambdaFunctions } from "./lambda-runtime";
import { readLimitedBody } from "./request-body";

const invokePath = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export interface LambdaApi {
  /** `http://127.0.0.1:<port>`: the Lambda endpoint for the SDK (AWS_ENDPOINT_URL_LAMBDA). */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Lambda's Invoke API (RequestResponse) in front of the local runtime, so a tool invokes a local
 * function with the same SDK call it makes on AWS. A handler's error comes back as Lambda sends
 * it: status 200, `X-Amz-Function-Error: Unhandled`, the error as the payload.
 */
export async function startLambdaApi(functions: Pick<LambdaFunctions, "invoke">, names: readonly string[]): Promise<LambdaApi> {
  const server = createServer((request, response) => {
    void handle(functions, names, request).then(
      (answer) => send(response, answer),
      () => response.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stop: () => close(server) };
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

const serviceError = (status: number, type: string, message: string): Answer => ({ status, headers: { "x-amzn-ErrorType": type }, body: { Type: "User", message } });

async function handle(functions: Pick<LambdaFunctions, "invoke">, names: readonly string[], request: IncomingMessage): Promise<Answer> {
  const body = await readLimitedBody(request, maxSynchronousPayloadBytes);
  const match = invokePath.exec(new URL(request.url ?? "/", "http://local").pathname);
  if (request.method !== "POST" || !match) return serviceError(404, "UnknownOperationException", "only Invoke is served here");
  const name = decodeURIComponent(match[1]);
  if (!names.includes(name)) return serviceError(404, "ResourceNotFoundException", `Function not found: ${name}`);
  if (body === undefined) return serviceError(413, "RequestTooLargeException", `Request must be smaller than ${maxSynchronousPayloadBytes} bytes for the InvokeFunction operation`);
  let event: unknown;
  try {
    event = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
  } catch {
    return serviceError(400, "InvalidRequestContentException", "Could not parse request body into json");
  }
  try {
    return { status: 200, headers: { "X-Amz-Executed-Version": "$LATEST" }, body: (await functions.invoke(name, event)) ?? null };
  } catch (error) {
    if (!(error instanceof InvocationError)) throw error;
    return {
      status: 200,
      headers: { "X-Amz-Function-Error": "Unhandled", "X-Amz-Executed-Version": "$LATEST" },
      body: { errorType: error.errorType, errorMessage: error.message, ...(error.trace.length > 0 && { trace: error.trace }) },
    };
  }
}

function send(response: ServerResponse, answer: Answer): void {
  response.statusCode = answer.status;
  response.setHeader("Content-Type", "application/json");
  response.setHeader("x-amzn-RequestId", randomUUID());
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  response.end(JSON.stringify(answer.body));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}
