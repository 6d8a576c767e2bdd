import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { UsageError } from "./cli";
import { dataDirOf, runningLocalStack } from "./running-local-stack";

/**
 * A synchronous Invoke of an operator function (replay, erase, maintain), on AWS or on the local stack. A
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

type CliEnvironment = Readonly<Record<string, string | undefined>>;

/** Where an operator CLI's function is: its name, the local stack's Lambda endpoint (unset for AWS), the region. */
interface FunctionTarget {
  readonly function?: string;
  readonly "lambda-endpoint"?: string;
  readonly region?: string;
}

/** The options every operator CLI takes to reach its function, its own name's description and variable aside. */
export function functionTargetOptions(functionDescription: string, functionEnv: string) {
  return {
    function: { description: functionDescription, env: functionEnv, placeholder: "name" },
    "lambda-endpoint": { description: "Lambda endpoint of the local stack; unset for AWS", env: "AWS_ENDPOINT_URL_LAMBDA", placeholder: "url" },
    region: { description: "AWS region", env: "AWS_REGION", default: "us-east-1", placeholder: "region" },
  };
}

/** A bare `npm run <cli> -- …` on this machine: the running local stack's function, unless a function or endpoint was named. */
export function orRunningLocalStack<V extends FunctionTarget>(
  values: V | undefined,
  env: CliEnvironment,
  which: "replayFunction" | "eraseFunction" | "maintainFunction",
): V | undefined {
  if (!values || values.function || values["lambda-endpoint"]) return values;
  const local = runningLocalStack(dataDirOf(env));
  if (!local) return values;
  return { ...values, function: local[which], "lambda-endpoint": local.lambdaEndpointUrl, region: local.region };
}

/** The Lambda client of the target: the local stack accepts any credentials; AWS gets the default provider chain. */
export function lambdaClientFor(target: FunctionTarget, env: CliEnvironment): LambdaClient {
  const endpoint = target["lambda-endpoint"];
  const credentials = endpoint && !env.AWS_ACCESS_KEY_ID ? { accessKeyId: "local", secretAccessKey: "local" } : undefined;
  return new LambdaClient({ region: target.region, ...(endpoint ? { endpoint, credentials } : {}) });
}
