import type { FunctionName } from "../functions/topology";

/**
 * Physical names, fixed per stack rather than auto-named: the log groups must exist before the
 * functions first run (migrate runs during `pulumi up`), and alarms and the dashboard refer to
 * them by name. They follow the seed: `fluxa-<role>-<stack>`.
 */
export interface ResourceNames {
  readonly function: (fn: FunctionName) => string;
  readonly functionLogGroup: (fn: FunctionName) => string;
  readonly apiAccessLogGroup: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
  readonly api: string;
  readonly apiStage: string;
  readonly dashboard: string;
  readonly alarm: (subject: string) => string;
}

export function resourceNames(stack: string): ResourceNames {
  const fn = (name: FunctionName) => `fluxa-${name}-${stack}`;
  return {
    function: fn,
    functionLogGroup: (name) => `/aws/lambda/${fn(name)}`,
    apiAccessLogGroup: `/aws/apigateway/fluxa-${stack}/access`,
    queue: `fluxa-events-${stack}`,
    deadLetterQueue: `fluxa-events-dlq-${stack}`,
    api: `fluxa-${stack}`,
    apiStage: "v1",
    dashboard: `fluxa-${stack}`,
    alarm: (subject) => `fluxa-${subject}-${stack}`,
  };
}
