import { envNames, functionSpecs, type FunctionName, type Link } from "../../functions/topology";
import { localCredentials } from "./aws-resources";

/** The resources of the local stack that functions can be linked to. */
export interface LinkTargets {
  readonly queueUrl: string;
  readonly visibilityTimeoutSeconds: number;
  readonly dlqUrl: string;
  readonly bucket: string;
  readonly topicArn: string;
  readonly databaseUrl: string;
}

export interface RuntimeSettings {
  readonly region: string;
  readonly awsEndpointUrl: string;
  readonly logLevel: string;
}

function linkEnvironment(link: Link, targets: LinkTargets): Record<string, string> {
  switch (link) {
    case "queue":
      return { [envNames.queueUrl]: targets.queueUrl };
    case "queueConsumer":
      return { [envNames.queueUrl]: targets.queueUrl, [envNames.queueVisibilityTimeout]: String(targets.visibilityTimeoutSeconds) };
    case "deadLetterQueue":
      return { [envNames.deadLetterQueueUrl]: targets.dlqUrl };
    case "payloadBucketWrite":
    case "payloadBucketRead":
      return { [envNames.payloadBucket]: targets.bucket };
    case "topic":
      return { [envNames.topicArn]: targets.topicArn };
    case "database":
      return { [envNames.databaseUrl]: targets.databaseUrl };
  }
}

/**
 * A function's whole environment, as Lambda would set it: the runtime's variables, one set per
 * topology link, and the per-function overrides last. Nothing else of the host's environment.
 */
export function functionEnvironment(
  name: FunctionName,
  targets: LinkTargets,
  settings: RuntimeSettings,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const spec = functionSpecs[name];
  return {
    AWS_REGION: settings.region,
    AWS_DEFAULT_REGION: settings.region,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL: settings.awsEndpointUrl,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    TZ: ":UTC",
    [envNames.logLevel]: settings.logLevel,
    ...Object.fromEntries(spec.links.flatMap((link) => Object.entries(linkEnvironment(link, targets)))),
    ...overrides,
  };
}
