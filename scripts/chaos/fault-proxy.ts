import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The AWS service a request to the emulator is meant for. */
export type Service = "sqs" | "sns" | "s3";

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give it to the functions as AWS_ENDPOINT_URL. */
  readonly url: string;
  /** Requests to `service` are answered 503 ServiceUnavailable until `ms` have passed. */
  outage(service: Service, ms: number): Promise<void>;
  /** Requests answered 503 so far, per service. */
  readonly refused: Readonly<Record<Service, number>>;
  stop(): Promise<void>;
}

/** A request as it passed through: which service, the SQS action (`x-amz-target`) if any, and its body. */
export interface ProxiedRequest {
  readonly service: Service;
  readonly target: string | undefined;
  readonly body: Buffer;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of the SQS/SNS/S3 emulator that makes one service unavailable
 * for a while, the way an AWS regional outage looks to a client: 503 with a service error body
 * (the SDK retries it, then gives up). Nothing is forwarded anywhere but to `target`. `onRequest`
 * sees every request, e.g. to check a parameter the emulator does not keep.
 */
export async function startFaultProxy(target: string, onRequest?: (request: ProxiedRequest) => void): Promise<FaultProxy> {
  const upstream = new URL(target);
  if (upstream.hostname !== "127.0.0.1") throw new Error(`the fault proxy only forwards to 127.0.0.1, not ${upstream.hostname}`);
  const downUntil: Record<Service, number> = { sqs: 0, sns: 0, s3: 0 };
  const refused: Record<Service, number> = { sqs: 0, sns: 0, s3: 0 };
  const server = createServer((req, res) => {
    void readBody(req).then(
      (body) => {
        const service = serviceOf(req, body);
        onRequest?.({ service, target: typeof req.headers["x-amz-target"] === "string" ? req.headers["x-amz-target"] : undefined, body });
        if (Date.now() < downUntil[service]) {
          refused[service] += 1;
          return refuse(res, service);
        }
        pass(req, res, body, upstream);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused,
    outage: async (service, ms) => {
      downUntil[service] = Date.now() + ms;
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
    stop: () => close(server),
  };
}

/** SDK v3 speaks JSON with `x-amz-target: AmazonSQS.*` to SQS, form-encoded `Action=` to SNS, REST to S3. */
function serviceOf(req: IncomingMessage, body: Buffer): Service {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string" && target.startsWith("AmazonSQS")) return "sqs";
  const contentType = req.headers["content-type"] ?? "";
  if (req.method === "POST" && req.url === "/" && contentType.includes("x-www-form-urlencoded") && body.includes("Action=")) return "sns";
  return "s3";
}

function refuse(res: ServerResponse, service: Service): void {
  if (service === "s3") {
    res.writeHead(503, { "Content-Type": "application/xml" });
    res.end("<Error><Code>ServiceUnavailable</Code><Message>chaos: S3 is unavailable</Message></Error>");
  } else if (service === "sns") {
    res.writeHead(503, { "Content-Type": "text/xml" });
    res.end("<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>chaos: SNS is unavailable</Message></Error></ErrorResponse>");
  } else {
    res.writeHead(503, { "Content-Type": "application/x-amz-json-1.0" });
    res.end(JSON.stringify({ __type: "ServiceUnavailable", message: "chaos: SQS is unavailable" }));
  }
}

function pass(req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: URL): void {
  const out = forward(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on("error", () => res.destroy());
  out.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
