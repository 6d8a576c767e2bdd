import { expect } from "chai";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { InvocationError } from "../../scripts/local-stack/lambda-runtime";
import { startLambdaApi, type LambdaApi } from "../../scripts/local-stack/lambda-api";
import { lambdaInvoker } from "../../scripts/replay/invoker";
import { UsageError } from "../../scripts/lib/cli";
import type { ReplayRequest } from "../../functions/replay/protocol";

describe("local Lambda Invoke API (what npm run replay calls through the AWS SDK)", () => {
  let api: LambdaApi;
  let client: LambdaClient;
  const received: unknown[] = [];
  const describeRequest: ReplayRequest = { action: "describe", replayId: "7a1d0c4e-0000-4000-8000-000000000001" };

  before(async () => {
    api = await startLambdaApi(
      {
        invoke: (name, event) => {
          received.push(event);
          if ((event as { replayId?: string }).replayId === "crash") return Promise.reject(new InvocationError("Error", "connection refused"));
          return Promise.resolve({ ok: false, problem: `${name} says no` });
        },
      },
      ["replay"],
    );
    client = new LambdaClient({ endpoint: api.url, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  });
  after(async () => {
    client.destroy();
    await api.stop();
  });

  it("passes the request to the function and its result back", async () => {
    expect(await lambdaInvoker(client, "replay").invoke(describeRequest)).to.deep.equal({ ok: false, problem: "replay says no" });
    expect(received.at(-1)).to.deep.equal(describeRequest);
  });

  it("answers a handler error as Lambda does, which the invoker throws with the function's message", async () => {
    const crashing = lambdaInvoker(client, "replay").invoke({ ...describeRequest, replayId: "crash" });
    await crashing.then(
      () => expect.fail("resolved"),
      (error: Error) => expect(error.message).to.equal("replay failed: connection refused"),
    );
  });

  it("answers an unknown function with ResourceNotFoundException, a usage error for the CLI", async () => {
    await lambdaInvoker(client, "relay").invoke(describeRequest).then(
      () => expect.fail("resolved"),
      (error: Error) => {
        expect(error).to.be.instanceOf(UsageError);
        expect(error.message).to.equal("function relay does not exist (see --function)");
      },
    );
  });
});
