import type { PolicyResource } from "@pulumi/policy";

/** The stack a resource belongs to, read from its URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function stackOf(urn: string): string {
  return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/** Stacks that hold production data: the rules that only production needs apply to these. */
export const productionStacks: ReadonlySet<string> = new Set(["prod"]);

export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((r) => r.type === type);
}

/**
 * The resource of `type` that `reference` points at, by any of `keys` (an ARN, a name) or its id.
 * AWS: an S3 bucket's id is its name; offline, mocks make ids up, so the id is matched too.
 */
export function referenced(resources: readonly PolicyResource[], type: string, reference: unknown, keys: readonly string[]): PolicyResource | undefined {
  if (typeof reference !== "string") return undefined;
  return ofType(resources, type).find((r) => [...keys, "id"].some((key) => r.props[key] === reference));
}

/** Lambda's default timeout, and SQS's default visibility timeout and retention, when the inputs leave them unset. */
export const awsDefaults = { lambdaTimeoutSeconds: 3, visibilityTimeoutSeconds: 30, messageRetentionSeconds: 345_600 } as const;
