import * as pulumi from "@pulumi/pulumi";
import { linkEnvironment } from "../functions/link-environment";
import type { PartitionLayout } from "../functions/shared/event-partitions";
import { archiveKeyPrefix, payloadKeyPrefix, type Link } from "../functions/topology";

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  readonly Resource: readonly pulumi.Input<string>[];
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

export function policyDocument(statements: readonly PolicyStatement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

export function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

/** What a link points at in this deployment. */
export interface LinkTargets {
  readonly queue: { readonly url: pulumi.Input<string>; readonly arn: pulumi.Input<string>; readonly visibilityTimeoutSeconds: number };
  readonly deadLetterQueue: { readonly url: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
  readonly payloadBucket: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
  readonly topicArn: pulumi.Input<string>;
  readonly database: {
    readonly host: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly name: pulumi.Input<string>;
    readonly secretArn: pulumi.Input<string>;
    /** Connections each execution environment may open; the stack's connection budget counts on it. */
    readonly poolSize: number;
  };
  /** The queues a replay may send to (stack config replayQueueUrls), and its longest window. */
  readonly replay: { readonly queueUrls: readonly string[]; readonly maxWindowDays: number };
  /** API key id → source, as the functions read it (`encodeSourceDirectory`). */
  readonly sourceKeys: pulumi.Input<string>;
  /** The partitions of events (stack config partitionWidth, partitionsAhead). */
  readonly eventPartitions: PartitionLayout;
  /** Stack config retentionDays (undefined: events are kept forever) and archive. */
  readonly retention: { readonly days?: number; readonly archive: boolean };
}

/** An SQS queue URL as stack config accepts it: `https://sqs.<region>.amazonaws.com/<account>/<name>`. */
export const sqsQueueUrlPattern = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\/(\d{12})\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;

export function queueArnOfUrl(queueUrl: string): string {
  const match = sqsQueueUrlPattern.exec(queueUrl);
  if (!match) throw new Error(`${queueUrl} is not an SQS queue URL`);
  const [, region, account, name] = match;
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

/** A link gives a function its environment variables and the IAM statement to use them, together. */
export interface Grant {
  readonly environment: Readonly<Record<string, pulumi.Input<string>>>;
  readonly statements: readonly PolicyStatement[];
}

export function linkGrant(link: Link, targets: LinkTargets): Grant {
  const { database } = targets;
  const environment = linkEnvironment<pulumi.Input<string>>(link, {
    queueUrl: targets.queue.url,
    queueVisibilityTimeout: String(targets.queue.visibilityTimeoutSeconds),
    deadLetterQueueUrl: targets.deadLetterQueue.url,
    payloadBucket: targets.payloadBucket.name,
    topicArn: targets.topicArn,
    database: {
      kind: "secret",
      host: database.host,
      port: pulumi.output(database.port).apply(String),
      name: database.name,
      secretArn: database.secretArn,
      poolSize: String(database.poolSize),
    },
    replay: { queueUrls: targets.replay.queueUrls.join(","), maxWindowDays: String(targets.replay.maxWindowDays) },
    sourceKeys: targets.sourceKeys,
    eventPartitions: { width: targets.eventPartitions.width, ahead: String(targets.eventPartitions.ahead) },
    retention: {
      archive: String(targets.retention.archive),
      ...(targets.retention.days === undefined ? {} : { days: String(targets.retention.days) }),
    },
  });
  return { environment, statements: linkStatements(link, targets) };
}

/** The narrowest IAM statements that let a function use what its link's variables name. */
function linkStatements(link: Link, targets: LinkTargets): PolicyStatement[] {
  const payloadObjects = pulumi.interpolate`${targets.payloadBucket.arn}/${payloadKeyPrefix}*`;
  const archiveObjects = pulumi.interpolate`${targets.payloadBucket.arn}/${archiveKeyPrefix}*`;
  switch (link) {
    case "queue":
      return [{ Sid: "SendEvents", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [targets.queue.arn] }];
    case "queueConsumer":
      // The event source mapping polls and deletes with the function's role; the function defers
      // messages (ChangeMessageVisibility) and re-sends a poisoned one with its failure count.
      return [
        {
          Sid: "ConsumeEvents",
          Effect: "Allow",
          Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility", "sqs:SendMessage"],
          Resource: [targets.queue.arn],
        },
      ];
    case "deadLetterQueue":
      return [{ Sid: "DeadLetterEvents", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [targets.deadLetterQueue.arn] }];
    case "payloadBucketWrite":
      return [{ Sid: "WritePayloads", Effect: "Allow", Action: ["s3:PutObject"], Resource: [payloadObjects] }];
    case "payloadBucketRead":
      return [{ Sid: "ReadPayloads", Effect: "Allow", Action: ["s3:GetObject"], Resource: [payloadObjects] }];
    case "payloadBucketErase":
      // AWS: DeleteObjects is authorised as s3:DeleteObject on each key it names.
      return [{ Sid: "ErasePayloads", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: [payloadObjects] }];
    case "topic":
      return [{ Sid: "PublishEvents", Effect: "Allow", Action: ["sns:Publish"], Resource: [targets.topicArn] }];
    case "database":
      // The RDS-managed secret uses the aws/secretsmanager key, whose key policy already admits callers allowed by IAM: no kms:Decrypt grant.
      return [{ Sid: "ReadDatabaseSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [targets.database.secretArn] }];
    case "replayTargets": {
      const { queueUrls } = targets.replay;
      // No listed queue, no statement: a replay then reaches subscribers only through the topic.
      if (queueUrls.length === 0) return [];
      // GetQueueAttributes: a replay checks that its queue exists before it sends anything.
      return [{ Sid: "SendReplays", Effect: "Allow", Action: ["sqs:SendMessage", "sqs:GetQueueAttributes"], Resource: queueUrls.map(queueArnOfUrl) }];
    }
    case "sourceKeys":
      // Configuration only: the directory travels in the environment, no AWS call reads it.
      return [];
    case "archiveWrite":
      // GetObject: the archive is read back and compared before its partition is dropped.
      return [{ Sid: "WriteArchive", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: [archiveObjects] }];
    case "archiveRead":
      // ListBucket (on the bucket, narrowed to the prefix): a replay finds the archived partitions' manifests.
      return [
        { Sid: "ReadArchive", Effect: "Allow", Action: ["s3:GetObject"], Resource: [archiveObjects] },
        {
          Sid: "ListArchive",
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: [targets.payloadBucket.arn],
          Condition: { StringLike: { "s3:prefix": [`${archiveKeyPrefix}*`] } },
        },
      ];
    case "retention":
      // Configuration only.
    case "eventPartitions":
      return [];
  }
}

/** The function's log group exists already (Observability creates it), so no logs:CreateLogGroup. */
export function logWriteStatement(logGroupArn: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: "WriteLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: [pulumi.interpolate`${logGroupArn}:*`],
  };
}

/**
 * The actions of AWSLambdaVPCAccessExecutionRole. AWS: ec2:Describe* supports no resource-level
 * permissions and Lambda checks the network-interface actions against "*" when it creates the
 * function, so this is the one statement with Resource "*".
 */
export const vpcNetworkInterfacesSid = "ManageVpcNetworkInterfaces";
export function vpcAccessStatement(): PolicyStatement {
  return {
    Sid: vpcNetworkInterfacesSid,
    Effect: "Allow",
    Action: [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ],
    Resource: ["*"],
  };
}

/** Refuses any request to the bucket that does not arrive over TLS. */
export function denyInsecureTransportStatement(bucketArn: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    // A Deny: "s3:*" widens the refusal, it grants nothing.
    Action: ["s3:*"],
    Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
