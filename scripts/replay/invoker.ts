import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { ReplayRequest, ReplayResponse } from "../../functions/replay/protocol";
import { invokeFunction } from "../lib/lambda-invoke";

/** How the CLI reaches the replay function: Lambda's Invoke API, on AWS or on the local stack. */
export interface ReplayInvoker {
  invoke(request: ReplayRequest): Promise<ReplayResponse>;
}

export function lambdaInvoker(client: LambdaClient, functionName: string): ReplayInvoker {
  return { invoke: (request) => invokeFunction<ReplayResponse>(client, functionName, request) };
}
