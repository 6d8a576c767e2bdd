import { S3Client, CreateBucketCommand } from "@aws-sdk/client-s3";
import { SNSClient, CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { eventQueue } from "../../functions/topology";
import { safetyNetReceiveCount } from "../../functions/processor/retry-policy";

export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" } as const;

export interface AwsClients {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
}

export function awsClients(endpointUrl: string, region: string): AwsClients {
  const config = { endpoint: endpointUrl, region, credentials: localCredentials };
  return { sqs: new SQSClient(config), sns: new SNSClient(config), s3: new S3Client({ ...config, forcePathStyle: true }) };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.sqs.destroy();
  clients.sns.destroy();
  clients.s3.destroy();
}

const resourceNames = {
  queue: "fluxa-events",
  dlq: "fluxa-events-dlq",
  snsTapQueue: "fluxa-events-sns-tap",
  bucket: "fluxa-payloads-local",
  topic: "fluxa-events",
} as const;

export interface AwsResources {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly visibilityTimeoutSeconds: number;
  readonly dlqUrl: string;
  readonly bucket: string;
  readonly topicArn: string;
  /**
   * Subscribed to the topic without RawMessageDelivery: each message body is the SNS notification
   * envelope (`{"Type":"Notification","TopicArn",...,"Message":"<what was published>","MessageAttributes"}`).
   */
  readonly snsTapQueueUrl: string;
}

/** Creates the queues, bucket and topic, or brings existing ones (e.g. on LocalStack) to the wanted settings. */
export async function ensureAwsResources(clients: AwsClients, visibilityTimeoutSeconds: number): Promise<AwsResources> {
  const dlq = await ensureQueue(clients.sqs, resourceNames.dlq, {
    MessageRetentionPeriod: String(eventQueue.dlqRetentionSeconds),
    MaximumMessageSize: String(eventQueue.dlqMaxMessageBytes),
  });
  const queue = await ensureQueue(clients.sqs, resourceNames.queue, {
    VisibilityTimeout: String(visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(eventQueue.retentionSeconds),
    MaximumMessageSize: String(eventQueue.maxMessageBytes),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: safetyNetReceiveCount(visibilityTimeoutSeconds) }),
  });
  const tap = await ensureQueue(clients.sqs, resourceNames.snsTapQueue, {});
  await ensureBucket(clients.s3, resourceNames.bucket);
  const { TopicArn: topicArn } = await clients.sns.send(new CreateTopicCommand({ Name: resourceNames.topic }));
  if (!topicArn) throw new Error(`CreateTopic ${resourceNames.topic} returned no TopicArn`);
  await clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: tap.arn }));
  return {
    queueUrl: queue.url,
    queueArn: queue.arn,
    visibilityTimeoutSeconds,
    dlqUrl: dlq.url,
    bucket: resourceNames.bucket,
    topicArn,
    snsTapQueueUrl: tap.url,
  };
}

async function ensureQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<{ url: string; arn: string }> {
  // CreateQueue with attributes fails if the queue exists with other values: create bare, then set.
  const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!url) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  if (Object.keys(attributes).length > 0) await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  if (!Attributes?.QueueArn) throw new Error(`GetQueueAttributes ${name} returned no QueueArn`);
  return { url, arn: Attributes.QueueArn };
}

async function ensureBucket(s3: S3Client, name: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  } catch (error) {
    if ((error as Error).name !== "BucketAlreadyOwnedByYou") throw error;
  }
}
