import type { ResourceValidationPolicy } from "@pulumi/policy";
import { productionStacks, stackOf } from "./resources";

export const rdsInstanceSafe: ResourceValidationPolicy = {
  name: "fluxa-rds-instance-safe",
  description: "RDS instances are encrypted and private, and deletion-protected in production stacks.",
  validateResource: (args, reportViolation) => {
    if (args.type !== "aws:rds/instance:Instance") return;
    if (args.props.storageEncrypted !== true) reportViolation(`database ${args.name} is not encrypted at rest (storageEncrypted)`);
    if (args.props.publiclyAccessible === true) reportViolation(`database ${args.name} is publicly accessible`);
    const stack = stackOf(args.urn);
    if (productionStacks.has(stack) && args.props.deletionProtection !== true) reportViolation(`database ${args.name} of stack ${stack} has no deletion protection`);
  },
};
