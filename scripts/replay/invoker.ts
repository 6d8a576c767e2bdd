import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { ReplayRequest, ReplayResponse } from "../../functions/replay/protocol";
import { UsageError } from "../lib/cli";

/** How a CLI reaches its function (replay, maintain): Lambda's Invoke API, on AWS or on the local stack. */
export interface FunctionInvoker<Request, Response> {
  invoke(request: Request): Promise<Response>;
}
export type ReplayInvoker = FunctionInvoker<ReplayRequest, ReplayResponse>;

/**
 * A synchronous Invoke. A handler error arrives as a successful call with FunctionError set and
 * the error as the payload; it is thrown here with the function's own message.
 */
export function lambdaInvoker<Request = ReplayRequest, Response = ReplayResponse>(client: LambdaClient, functionName: string): FunctionInvoker<Request, Response> {
  return {
    async invoke(request) {
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
    },
  };
}
