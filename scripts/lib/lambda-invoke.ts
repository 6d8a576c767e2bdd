import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { UsageError } from "./cli";

/**
 * A synchronous Invoke of an operator function (replay, erase), on AWS or on the local stack. A
 * handler error arrives as a successful call with FunctionError set and the error as the payload;
 * it is thrown here with the function's own message.
 */
export async function invokeFunction<Response>(client: LambdaClient, functionName: string, request: unknown): Promise<Response> {
  let result;
  try {
    result = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(request)) }));
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") throw new UsageError(`function ${functionName} does not exist (see --function)`);
    throw error;
  }
  const payload: unknown = JSON.parse(new TextDecoder().decode(result.Payload ?? new Uint8Array()) || "null");
  if (result.FunctionError) {
    const message = (payload as { errorMessage?: string } | null)?.errorMessage ?? "no message";
    throw new Error(`${functionName} failed: ${message}`);
  }
  return payload as Response;
}
