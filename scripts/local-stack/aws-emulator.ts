import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * fauxqs (SQS + SNS + S3 wire emulator) served in-process on 127.0.0.1.
 *
 * fauxqs names every queue `http://sqs.<region>.localhost:<port>/<account>/<name>` and looks queues
 * up by that exact string. `*.localhost` does not resolve here, and the AWS SDK sends each SQS call
 * to the host of its QueueUrl (even when AWS_ENDPOINT_URL is set), so a handler given such a URL
 * fails with ENOTFOUND. We therefore hand out `http://127.0.0.1:<port>/<account>/<name>` and
 * translate between the two forms on the way in and out of the emulator.
 */

export interface AwsEmulator {
  /** `http://127.0.0.1:<port>`: the AWS_ENDPOINT_URL for every client, SQS, SNS and S3 alike. */
  readonly endpointUrl: string;
  stop(): Promise<void>;
}

export async function startAwsEmulator(region: string): Promise<AwsEmulator> {
  // fauxqs is ESM-only; startFauxqs() cannot be used because it gives no access to the app's hooks.
  const { buildApp } = await import("fauxqs");
  await acceptSupplementaryCharacters();
  const app = buildApp({ logger: false, defaultRegion: region });
  // Requests arrive only once the server listens, so the port is known by then; worked out once.
  let known: QueueUrlTranslation | undefined;
  const translation = () => (known ??= queueUrlTranslation(region, (app.server.address() as AddressInfo).port));
  app.addHook("preHandler", (request, _reply, done) => {
    const body = request.body as { QueueUrl?: unknown } | null | undefined;
    if (typeof body?.QueueUrl === "string") body.QueueUrl = translation().toFauxqs(body.QueueUrl);
    done();
  });
  app.addHook("onSend", (_request, _reply, payload, done) => {
    done(null, typeof payload === "string" ? translation().toLoopback(payload) : payload);
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { endpointUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, stop: () => app.close() };
}

interface QueueUrlTranslation {
  toFauxqs(queueUrl: string): string;
  toLoopback(text: string): string;
}

function queueUrlTranslation(region: string, port: number): QueueUrlTranslation {
  const fauxqsOrigin = `http://sqs.${region}.localhost:${port}`;
  const loopbackOrigin = `http://127.0.0.1:${port}`;
  return {
    toFauxqs: (queueUrl) => (queueUrl.startsWith(`${loopbackOrigin}/`) ? fauxqsOrigin + queueUrl.slice(loopbackOrigin.length) : queueUrl),
    toLoopback: (text) => text.replaceAll(fauxqsOrigin, loopbackOrigin),
  };
}

/**
 * SQS accepts message bodies of #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
 * fauxqs (1.9 to 2.4.1) tests the body one UTF-16 code unit at a time and so refuses every character above
 * U+FFFF (an emoji, say): locally a valid event got 503 where AWS takes it. Its check is widened to
 * SQS's own; the module is the one fauxqs itself loaded, reached by file URL as it exports no path.
 */
async function acceptSupplementaryCharacters(): Promise<void> {
  const file = path.resolve(__dirname, "..", "..", "node_modules", "fauxqs", "dist", "sqs", "sqsTypes.js");
  if (!existsSync(file)) return;
  const sqsTypes = (await import(pathToFileURL(file).href)) as { INVALID_MESSAGE_BODY_CHAR?: RegExp };
  const sqsInvalid = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
  if (sqsTypes.INVALID_MESSAGE_BODY_CHAR) sqsTypes.INVALID_MESSAGE_BODY_CHAR.test = (text: string) => sqsInvalid.test(text);
}
