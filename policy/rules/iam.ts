import type { ResourceValidationPolicy } from "@pulumi/policy";

/**
 * Allow statements that may use "*", by Sid, each with why. AWS: ec2:Describe* has no resource-level
 * permissions, and Lambda checks the network-interface actions against "*" when it joins a function
 * to a VPC (AWSLambdaVPCAccessExecutionRole grants the same on "*").
 */
export const wildcardExemptions: Readonly<Record<string, string>> = {
  ManageVpcNetworkInterfaces: "Lambda's VPC network-interface actions accept no narrower resource than *",
};

interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
}

/** Every IAM policy document among a resource's inputs, wherever it sits (a role's inline policies included). */
function policyDocuments(value: unknown, where: string): { where: string; statements: Statement[] }[] {
  if (typeof value === "string") {
    if (!value.includes('"Statement"')) return [];
    const document = JSON.parse(value) as { Statement: Statement | Statement[] };
    return [{ where, statements: [document.Statement].flat() }];
  }
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => policyDocuments(inner, `${where}.${key}`));
}

const list = (value: string | string[] | undefined) => [value ?? []].flat();

export const iamNoWildcards: ResourceValidationPolicy = {
  name: "fluxa-iam-no-wildcards",
  description: "No IAM Allow statement has a * in an action or a * resource, outside the listed exemptions.",
  validateResource: (args, reportViolation) => {
    for (const { where, statements } of policyDocuments(args.props, args.name)) {
      for (const statement of statements) {
        if (statement.Effect !== "Allow" || (statement.Sid !== undefined && statement.Sid in wildcardExemptions)) continue;
        const actions = list(statement.Action).filter((a) => a.includes("*"));
        if (actions.length > 0) reportViolation(`${where}: statement ${statement.Sid ?? "(no Sid)"} allows wildcard actions ${actions.join(", ")}`);
        if (list(statement.Resource).includes("*")) reportViolation(`${where}: statement ${statement.Sid ?? "(no Sid)"} allows on resource "*"`);
      }
    }
  },
};
