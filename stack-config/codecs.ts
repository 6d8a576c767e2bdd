import * as t from "io-ts";
import { sqsQueueUrlPattern } from "../components/policies";

/** How a config key is read: from the string Pulumi stores to its value, failing with a reason a person can act on. */
export type ConfigCodec<A> = t.Type<A, string, unknown>;

type Parsed<A> = { readonly value: A } | { readonly problem: string };

function fromString<A>(name: string, is: (u: unknown) => u is A, parse: (s: string) => Parsed<A>): ConfigCodec<A> {
  return new t.Type<A, string, unknown>(
    name,
    is,
    (u, c) => {
      if (typeof u !== "string") return t.failure(u, c, "must be a string");
      const parsed = parse(u.trim());
      return "problem" in parsed ? t.failure(u, c, parsed.problem) : t.success(parsed.value);
    },
    String,
  );
}

export function integer(min: number, max: number): ConfigCodec<number> {
  const inRange = (u: unknown): u is number => Number.isInteger(u) && (u as number) >= min && (u as number) <= max;
  return fromString<number>(`integer(${min}..${max})`, inRange, (s) => {
    if (!/^-?\d+$/.test(s)) return { problem: `must be a whole number, got "${s}"` };
    const n = Number(s);
    return inRange(n) ? { value: n } : { problem: `must be between ${min} and ${max}, got ${s}` };
  });
}

export const boolean = fromString<boolean>(
  "boolean",
  (u): u is boolean => typeof u === "boolean",
  (s) => (s === "true" || s === "false" ? { value: s === "true" } : { problem: `must be true or false, got "${s}"` }),
);

export function oneOf<A extends string | number>(values: readonly A[]): ConfigCodec<A> {
  const member = (u: unknown): u is A => values.includes(u as A);
  return fromString<A>(`oneOf(${values.join("|")})`, member, (s) => {
    const found = values.find((v) => String(v) === s);
    return found === undefined ? { problem: `must be one of ${values.join(", ")}, got "${s}"` } : { value: found };
  });
}

export function matching(name: string, pattern: RegExp, what: string): ConfigCodec<string> {
  const matches = (u: unknown): u is string => typeof u === "string" && pattern.test(u);
  return fromString<string>(name, matches, (s) => (pattern.test(s) ? { value: s } : { problem: `must be ${what}, got "${s}"` }));
}

/** Comma-separated SQS queue URLs: exact ones, so the replay function's role names each queue. */
export const queueUrlList = fromString<string[]>(
  "queueUrlList",
  (u): u is string[] => Array.isArray(u) && u.every((url) => typeof url === "string" && sqsQueueUrlPattern.test(url)),
  (s) => {
    const urls = s.split(",").map((url) => url.trim()).filter(Boolean);
    const bad = urls.find((url) => !sqsQueueUrlPattern.test(url));
    return bad === undefined ? { value: urls } : { problem: `must be SQS queue URLs such as https://sqs.us-east-1.amazonaws.com/123456789012/name, got "${bad}"` };
  },
);

/** AWS: CloudWatch Logs accepts only these retention periods. */
export const logRetentionValues = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
export const lambdaLogLevels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] as const;
export type LambdaLogLevel = (typeof lambdaLogLevels)[number];
