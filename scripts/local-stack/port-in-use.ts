import { createServer } from "node:net";

/**
 * Fails at once, naming PORT, when the API's port is taken (by another `npm start`, say), rather than
 * after PostgreSQL and the emulator have started and with only Node's EADDRINUSE. Port 0 is always free.
 */
export async function refuseIfPortInUse(port: number): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  const inUse = await new Promise<boolean>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" ? resolve(true) : reject(error)));
    server.listen(port, "127.0.0.1", () => resolve(false));
  });
  if (inUse) throw new Error(`PORT=${port}: 127.0.0.1:${port} is already in use (another npm start?); stop that, or set PORT to a free port (0 picks one)`);
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
