import * as path from "node:path";
import { Worker } from "node:worker_threads";

export interface AwsEmulator {
  /** `http://127.0.0.1:<port>`: the AWS_ENDPOINT_URL for every client, SQS, SNS and S3 alike. */
  readonly endpointUrl: string;
  stop(): Promise<void>;
}

/**
 * fauxqs (SQS + SNS + S3 wire emulator) on a worker thread of its own: on AWS these services are
 * other machines, and sharing the host's event loop would make the API gateway and the pollers wait
 * behind every emulated request (it was most of the host thread's time under load).
 */
export async function startAwsEmulator(region: string): Promise<AwsEmulator> {
  const worker = new Worker(path.join(__dirname, "aws-emulator-thread.cjs"), { workerData: { region }, execArgv: [] });
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  const endpointUrl = await new Promise<string>((resolve, reject) => {
    worker.once("message", (message: { endpointUrl: string }) => resolve(message.endpointUrl));
    worker.once("error", reject);
    void exited.then(() => reject(new Error("the AWS emulator thread exited before it was listening")));
  });
  return {
    endpointUrl,
    stop: async () => {
      worker.postMessage("stop");
      await exited;
    },
  };
}
