/**
 * AWS list prices the cost model uses: us-east-1, on-demand, no free tier, as docs/COSTS.md lists
 * them on the date below (verify them on AWS's pricing pages before relying on them). Both stack
 * files deploy to eu-west-1, a few percent dearer.
 */
export const listPrices = {
  asOf: "2026-11-25",
  region: "us-east-1",
  /** API Gateway REST API, first 333 million requests a month. */
  apiGatewayPerMillionRequests: 3.5,
  lambdaPerMillionRequests: 0.2,
  /** arm64 (Fluxa's default architecture), first 7.5 billion GB-seconds a month. */
  lambdaPerGbSecond: 0.0000133334,
  /** SQS standard queue; every 64 KiB chunk of a request's payload is billed as one request. */
  sqsPerMillionRequests: 0.4,
  /** SNS standard topic; each 64 KiB chunk of a Publish or PublishBatch request is one request. */
  snsPerMillionRequests: 0.5,
  s3PutPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
  /** CloudWatch Logs, standard class, data ingested. */
  logsPerGbIngested: 0.5,
  logsPerGbMonthStored: 0.03,
} as const;

export type ListPrices = typeof listPrices;

/** The totals of docs/COSTS.md's fixed monthly costs (NAT, RDS, proxy, alarms…), worked out there line by line. */
export const fixedMonthlyDollars = { dev: 58.84, prod: 371.54 } as const;
