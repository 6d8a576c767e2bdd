import { connect, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface Gate {
  /** `http://127.0.0.1:<port>`: give it to a function as an endpoint (e.g. AWS_ENDPOINT_URL_SNS). */
  readonly url: string;
  /** Where connections go once let through; set after the stack has started. */
  target: string | undefined;
  /** Connections with a request waiting at the gate. */
  readonly waiting: number;
  /** Holds every request sent from now on until `open()`. */
  close(): void;
  open(): void;
  stop(): Promise<void>;
}

/**
 * A TCP gate in front of an endpoint: a function whose request waits at a closed gate stays in
 * flight, so a test can hold a function's concurrency deterministically, without timing.
 */
export async function startGate(): Promise<Gate> {
  const held = new Map<Socket, Buffer[]>();
  const sockets = new Set<Socket>();
  let closed = false;
  const gate: Gate = {
    url: "",
    target: undefined,
    get waiting() {
      return held.size;
    },
    close: () => {
      closed = true;
    },
    open: () => {
      closed = false;
      for (const [socket, chunks] of held) {
        held.delete(socket);
        for (const chunk of chunks) socket.emit("data", chunk);
        socket.resume();
      }
    },
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((socket) => {
    const target = new URL(gate.target ?? "http://127.0.0.1:1");
    const upstream = connect(Number(target.port), target.hostname);
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.on("close", () => sockets.delete(end));
    }
    upstream.pipe(socket);
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
    socket.on("end", () => upstream.end());
    // Requests, not connections, wait: a kept-alive connection is held too once the gate closes.
    socket.on("data", (chunk: Buffer) => {
      if (!closed) {
        upstream.write(chunk);
        return;
      }
      const chunks = held.get(socket) ?? [];
      if (chunks.length === 0) socket.pause();
      held.set(socket, [...chunks, chunk]);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return Object.assign(gate, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}
