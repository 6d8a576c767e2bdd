/**
 * Drains open clients when a Node process's event loop empties (`beforeExit`). The listener does
 * not keep the process alive: it only runs once nothing else would, and one listener serves every
 * client. `beforeExit` is not emitted on `process.exit()` or a signal: call `close()` there.
 */
interface ProcessEvents {
  on(event: "beforeExit", listener: () => void): unknown;
  off(event: "beforeExit", listener: () => void): unknown;
}

interface Closable {
  close(): Promise<unknown>;
}

const nodeProcess = (globalThis as { process?: Partial<ProcessEvents> }).process;
const open = new Set<Closable>();

function closeOpenClients(): void {
  for (const client of [...open]) void client.close();
}

export function closeAtExit(client: Closable): void {
  if (typeof nodeProcess?.on !== "function" || typeof nodeProcess.off !== "function") return;
  if (open.size === 0) nodeProcess.on("beforeExit", closeOpenClients);
  open.add(client);
}

export function forgetAtExit(client: Closable): void {
  if (!open.delete(client) || open.size > 0) return;
  nodeProcess?.off?.("beforeExit", closeOpenClients);
}
