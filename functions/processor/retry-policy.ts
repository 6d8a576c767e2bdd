import { eventQueue } from "../topology";

/*
 * How long the processor defers a message when a dependency is down, and the redrive policy's
 * safety net that follows from it. settle.ts applies the deferrals; the components and the local
 * stack set the queue's maxReceiveCount and the outage alarms from the same figures.
 */

/**
 * AWS: ChangeMessageVisibility refuses a timeout above 43,200 s (12 h), counted from the receive;
 * the receive happened at most a batching window (≤ 300 s) plus one invocation (≤ 900 s) earlier.
 */
export const maxDeferralSeconds = 43_200 - 300 - 900;

/** The longest a dependency failure defers a message: recovery after an outage takes at most this. */
export function backoffCapSeconds(visibilityTimeout: number): number {
  return Math.min(visibilityTimeout * eventQueue.backoffCapMultiplier, maxDeferralSeconds);
}

/**
 * How long the message received for the `receiveCount`th time waits before its next receive when a
 * dependency is down: the visibility timeout, doubled at every receive, capped.
 */
export function deferralSeconds(receiveCount: number, visibilityTimeout: number): number {
  const doublings = Math.min(Math.max(receiveCount, 1) - 1, 30);
  return Math.min(visibilityTimeout * 2 ** doublings, backoffCapSeconds(visibilityTimeout));
}

/** AWS: a redrive policy's maxReceiveCount is 1 to 1,000. */
const maxRedriveReceiveCount = 1000;

/**
 * The queue's maxReceiveCount: a safety net under the processor's own poison accounting, high
 * enough that deferred messages outlast `outageBudgetSeconds` of outage (or 1,000 receives).
 */
export function safetyNetReceiveCount(visibilityTimeout: number): number {
  let receives = 0;
  for (let waited = 0; waited < eventQueue.outageBudgetSeconds && receives < maxRedriveReceiveCount; ) {
    receives += 1;
    waited += deferralSeconds(receives, visibilityTimeout);
  }
  return Math.max(receives, eventQueue.poisonReceives + 1);
}

/**
 * The longest database (or S3, SNS) outage a message survives in the queue: the deferrals of every
 * receive the safety net allows, bounded by the queue's retention. Beyond it SQS moves the message
 * to the DLQ (the sum is below the retention for every visibility timeout Lambda allows).
 */
export function survivableOutageSeconds(visibilityTimeout: number): number {
  let waited = 0;
  for (let receive = 1; receive <= safetyNetReceiveCount(visibilityTimeout); receive++) waited += deferralSeconds(receive, visibilityTimeout);
  return Math.min(waited, eventQueue.retentionSeconds);
}
