import { functionNames } from "../../functions/topology";
import { throttledErrorType, type LambdaFunctions } from "./lambda-runtime";
import type { LocalSizing } from "./sizing";

/** The stack's line for one refused invocation, with the function's count so far (Lambda's Throttles metric). */
export function throttleMessage(functionName: string, reservedConcurrency: number, throttles: number): string {
  return `throttled: ${functionName} at its reserved concurrency ${reservedConcurrency} (${throttledErrorType}); ${throttles} since start`;
}

/** Every reserved function's throttle count, for the stack's last words; undefined when no function has a reservation. */
export function throttleSummary(sizing: LocalSizing, functions: Pick<LambdaFunctions, "throttleCount">): string | undefined {
  const reserved = functionNames.filter((name) => sizing.functions[name].reservedConcurrency !== undefined);
  if (reserved.length === 0) return undefined;
  return `throttles since start: ${reserved.map((name) => `${name} ${functions.throttleCount(name)}`).join(", ")}`;
}
