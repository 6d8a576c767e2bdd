import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { ReplayRequest, ReplayResponse } from "../../functions/replay/protocol";
import { invokeFunction } from "../lib/lambda-invoke";

/** How a CLI reaches its function (replay, maintain): Lambda's Invoke API, on AWS or on the local stack. */
export interface FunctionInvoker<Request, Response> {
  invoke(request: Request): Promise<Response>;
}
export type ReplayInvoker = FunctionInvoker<ReplayRequest, ReplayResponse>;

export function lambdaInvoker<Request = ReplayRequest, Response = ReplayResponse>(client: LambdaClient, functionName: string): FunctionInvoker<Request, Response> {
  return { invoke: (request) => invokeFunction<Response>(client, functionName, request) };
}
