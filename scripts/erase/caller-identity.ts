import { userInfo } from "node:os";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

/**
 * Who asks for the erasure, as its audit record keeps it. AWS: a Lambda Invoke carries no caller
 * identity into the event, so the CLI resolves its own (CloudTrail records the Invoke's caller as
 * well). Locally the OS user: the local stack has no IAM.
 */
export async function callerIdentity(target: { readonly local: boolean; readonly region: string }): Promise<string> {
  if (target.local) return `local:${userInfo().username}`;
  const sts = new STSClient({ region: target.region });
  try {
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
    if (!Arn) throw new Error("STS GetCallerIdentity answered without an ARN");
    return Arn;
  } finally {
    sts.destroy();
  }
}
