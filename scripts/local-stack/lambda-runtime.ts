import { randomUUID } from "node:crypto";
import { ExecutionEnvironment, InvocationError, throttledErrorType, type FunctionConfiguration } from "./execution-environment";

export { InvocationError, responseSizeTooLarge, throttledErrorType, type FunctionConfiguration } from "./execution-environment";

/** The local Lambda service: synchronous invokes of bundled functions, each in its own pool of worker threads. */
export interface LambdaFunctions {
  /** Resolves with the handler's result (JSON round-tripped); rejects with an InvocationError. */
  invoke(name: string, event: unknown): Promise<unknown>;
  /** Terminates every worker of the function, mid-invocation if busy; resolves with how many invocations that failed. */
  kill(name: string): Promise<number>;
  /** Invocations started since the stack started, successful or not; throttled ones never start. */
  invocationCount(name: string): number;
  /** Invocations refused because the function was at its reserved concurrency (Lambda's Throttles metric). */
  throttleCount(name: string): number;
  /** The most invocations of the function that were in flight at once (Lambda's ConcurrentExecutions at its peak). */
  peakConcurrency(name: string): number;
}

export class LambdaRuntime implements LambdaFunctions {
  private readonly pools = new Map<string, FunctionPool>();

  /**
   * @param poolSize execution environments of a function without reserved concurrency; beyond it,
   * invocations wait for one (a local stand-in for the account's unreserved pool). Default 2.
   */
  constructor(configurations: readonly FunctionConfiguration[], poolSize = 2) {
    for (const configuration of configurations) this.pools.set(configuration.name, new FunctionPool(configuration, poolSize));
  }

  invoke(name: string, event: unknown): Promise<unknown> {
    return this.pool(name).invoke(event);
  }

  kill(name: string): Promise<number> {
    return this.pool(name).kill();
  }

  invocationCount(name: string): number {
    return this.pool(name).invocations;
  }

  throttleCount(name: string): number {
    return this.pool(name).throttles;
  }

  peakConcurrency(name: string): number {
    return this.pool(name).peak;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.kill()));
  }

  private pool(name: string): FunctionPool {
    const pool = this.pools.get(name);
    if (!pool) throw new Error(`no function named ${name}; known: ${[...this.pools.keys()].join(", ")}`);
    return pool;
  }
}

class FunctionPool {
  invocations = 0;
  throttles = 0;
  peak = 0;
  private inFlight = 0;
  private readonly size: number;
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly busy = new Set<ExecutionEnvironment>();
  private readonly waiting: Array<(environment: ExecutionEnvironment) => void> = [];

  constructor(
    private readonly configuration: FunctionConfiguration,
    unreservedPoolSize: number,
  ) {
    // A reservation is the function's own concurrency: one execution environment per concurrent invocation.
    this.size = configuration.reservedConcurrency ?? unreservedPoolSize;
  }

  async invoke(event: unknown): Promise<unknown> {
    const limit = this.configuration.reservedConcurrency;
    if (limit !== undefined && this.inFlight >= limit) {
      this.throttles += 1;
      this.configuration.onThrottle?.(limit, this.throttles);
      throw new InvocationError(throttledErrorType, "Rate Exceeded.");
    }
    this.invocations += 1;
    this.inFlight += 1;
    this.peak = Math.max(this.peak, this.inFlight);
    try {
      const environment = await this.acquire();
      try {
        return await environment.invoke(event, randomUUID());
      } finally {
        this.release(environment);
      }
    } finally {
      this.inFlight -= 1;
    }
  }

  async kill(): Promise<number> {
    const inFlight = this.busy.size;
    const all = [...this.busy, ...this.idle.splice(0)];
    await Promise.all(all.map((environment) => environment.terminate()));
    return inFlight;
  }

  private acquire(): Promise<ExecutionEnvironment> {
    const environment = this.idle.pop() ?? (this.busy.size < this.size ? new ExecutionEnvironment(this.configuration) : undefined);
    if (!environment) return new Promise((resolve) => this.waiting.push(resolve));
    this.busy.add(environment);
    return Promise.resolve(environment);
  }

  private release(environment: ExecutionEnvironment): void {
    this.busy.delete(environment);
    const next = this.waiting.shift();
    if (next) {
      const replacement = environment.usable ? environment : new ExecutionEnvironment(this.configuration);
      this.busy.add(replacement);
      next(replacement);
    } else if (environment.usable) {
      this.idle.push(environment);
    }
  }
}
