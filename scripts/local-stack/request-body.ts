import type { IncomingMessage } from "node:http";

/** The whole body, or undefined once it passes `maxBytes` (the rest is drained unread). */
export function readLimitedBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on("end", () => resolve(size <= maxBytes ? Buffer.concat(chunks) : undefined));
    request.on("error", reject);
  });
}
