import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { bundleEntryFile } from "../../bundling/function-bundles";
import { maxSynchronousPayloadBytes } from "../../functions/topology";

const bootstrapPath = path.join(__dirname, "lambda-bootstrap.cjs");

/** What the emulated Lambda service knows about one function. */
export interface FunctionConfiguration {
  readonly name: string;
  /** Directory holding the bundle's entry (`index.mjs`). */
  readonly bundleDir: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Concurrent invocations beyond it are throttled, as Lambda does; undefined: the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  /** The complete environment of the function, as in Lambda: nothing of the host's leaks in. */
  readonly environment: Readonly<Record<string, string>>;
  readonly region: string;
  /** Drop the function's stdout and stderr instead of passing them to the host's. */
  readonly quiet: boolean;
  /** Receives each line the function writes to stdout (its JSON logs), whether quiet or not. */
  readonly onLogLine?: (line: string) => void;
  /** Unless quiet, each complete line is written to the host's stdout as this renders it; without it, as written. */
  readonly formatLogLine?: (line: string) => string;
  /** Called each time an invocation is refused at the reserved concurrency, with the function's throttle count so far. */
  readonly onThrottle?: (reservedConcurrency: number, throttles: number) => void;
}

/** A failed invocation, in the shape Lambda reports it (`errorType`, `errorMessage`). */
export class InvocationError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly trace: readonly string[] = [],
  ) {
    super(message);
    this.name = "InvocationError";
  }
}

type WorkerReply = ({ result: string } | { error: { errorType: string; errorMessage: string; trace: string[] } }) & { logs: string };
/** A reply ends an invocation and carries its logs; logs alone come from outside an invocation. */
type WorkerMessage = WorkerReply | { logs: string };

interface PendingInvocation {
  resolve(result: unknown): void;
  reject(error: InvocationError): void;
  timer: NodeJS.Timeout;
}

/** The error type of Lambda's Invoke when the function is at its concurrency limit (HTTP 429). */
export const throttledErrorType = "TooManyRequestsException";

/**
 * A result whose JSON passes the synchronous payload limit fails the invocation. AWS: the message
 * names 6291556 bytes, not the 6291456 of the quota; it is Lambda's text as Lambda sends it.
 */
export const responseSizeTooLarge = {
  errorType: "Function.ResponseSizeTooLarge",
  errorMessage: "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
} as const;

/** One worker thread standing in for one Lambda execution environment: one invocation at a time. */
export class ExecutionEnvironment {
  private readonly worker: Worker;
  private readonly logStreamName: string;
  private pending: PendingInvocation | undefined;
  private dead = false;
  private partialLine = "";

  constructor(private readonly configuration: FunctionConfiguration) {
    const date = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
    this.logStreamName = `${date}/[$LATEST]${randomBytes(16).toString("hex")}`;
    const { quiet, onLogLine } = configuration;
    this.worker = new Worker(bootstrapPath, {
      env: { ...configuration.environment },
      execArgv: [],
      workerData: { bundlePath: path.join(configuration.bundleDir, bundleEntryFile), forwardLogs: !quiet || onLogLine !== undefined },
      stderr: quiet,
    });
    if (quiet) this.worker.stderr.resume();
    this.worker.on("message", (message: WorkerMessage) => {
      this.passOnLogs(message.logs);
      if ("result" in message || "error" in message) this.settle(message);
    });
    this.worker.on("error", (error: Error) => this.die(new InvocationError("Runtime.ExitError", `${error.name}: ${error.message}`)));
    this.worker.on("exit", (code) => this.die(new InvocationError("Runtime.ExitError", `runtime exited with code ${code}`)));
  }

  /** False once the worker has died or been terminated; the pool then starts a fresh one. */
  get usable(): boolean {
    return !this.dead;
  }

  invoke(event: unknown, awsRequestId: string): Promise<unknown> {
    if (this.pending) throw new Error("an execution environment handles one invocation at a time");
    const { name, timeoutSeconds, memoryMb, region } = this.configuration;
    const timeoutMs = timeoutSeconds * 1000;
    const context = {
      awsRequestId,
      functionName: name,
      functionVersion: "$LATEST",
      invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${name}`,
      memoryLimitInMB: String(memoryMb),
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: this.logStreamName,
      deadline: Date.now() + timeoutMs,
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.die(new InvocationError("Sandbox.Timedout", `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`));
        void this.worker.terminate();
      }, timeoutMs);
      this.pending = { resolve, reject, timer };
      this.worker.postMessage({ event, context });
    });
  }

  /** Ends the worker at once, as a crash of the execution environment would; an in-flight invocation fails. */
  async terminate(): Promise<void> {
    this.die(new InvocationError("Runtime.ExitError", "execution environment was terminated"));
    await this.worker.terminate();
  }

  /** Lines the function wrote to stdout, in order; a write may hold several lines or part of one. */
  private passOnLogs(text: string): void {
    if (text === "") return;
    const lines = (this.partialLine + text).split("\n");
    this.partialLine = lines.pop() ?? "";
    const { quiet, onLogLine, formatLogLine } = this.configuration;
    for (const line of lines) onLogLine?.(line);
    if (quiet) return;
    if (formatLogLine) process.stdout.write(lines.map(formatLogLine).join(""));
    else process.stdout.write(text);
  }

  private settle(reply: WorkerReply): void {
    const pending = this.take();
    if (!pending) return;
    if ("error" in reply) pending.reject(new InvocationError(reply.error.errorType, reply.error.errorMessage, reply.error.trace));
    else if (Buffer.byteLength(reply.result) > maxSynchronousPayloadBytes) pending.reject(new InvocationError(responseSizeTooLarge.errorType, responseSizeTooLarge.errorMessage));
    else pending.resolve(JSON.parse(reply.result));
  }

  private die(error: InvocationError): void {
    this.dead = true;
    this.take()?.reject(error);
  }

  private take(): PendingInvocation | undefined {
    const pending = this.pending;
    if (pending) clearTimeout(pending.timer);
    this.pending = undefined;
    return pending;
  }
}
