import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/** `npm start`'s data directory unless FLUXA_DATA_DIR names another. */
export const defaultDataDir = path.resolve(__dirname, "..", "..", ".fluxa");

/** Written into the data directory while a local stack runs, so the CLIs find its ports (they change at every start). */
export const runningStackFile = "stack.json";

/** What a CLI needs to reach a running local stack. */
export interface RunningLocalStack {
  readonly pid: number;
  readonly apiUrl: string;
  readonly awsEndpointUrl: string;
  readonly region: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly lambdaEndpointUrl: string;
  /** The replay function's name in the local Lambda API. */
  readonly replayFunction: string;
  /** The erase function's name in the local Lambda API. */
  readonly eraseFunction: string;
  /** The maintenance function's name in the local Lambda API. */
  readonly maintainFunction: string;
}

export class LocalStackAlreadyRunning extends Error {
  constructor(dataDir: string, running: RunningLocalStack) {
    super(
      `a local stack (pid ${running.pid}, API ${running.apiUrl}) already runs on ${dataDir}: stop it, or give this one another FLUXA_DATA_DIR` +
        ` (if pid ${running.pid} is no longer a Fluxa stack, delete ${path.join(dataDir, runningStackFile)})`,
    );
    this.name = "LocalStackAlreadyRunning";
  }
}

/** A second stack on one data directory would share the first one's PostgreSQL data and record: refused before it starts anything. */
export function refuseIfRunning(dataDir: string): void {
  const running = runningLocalStack(dataDir);
  if (running) throw new LocalStackAlreadyRunning(dataDir, running);
}

/** Records this process's stack in its data directory; returns how to remove the record. */
export function recordRunningStack(dataDir: string, stack: Omit<RunningLocalStack, "pid">): () => void {
  const file = path.join(dataDir, runningStackFile);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ pid: process.pid, ...stack }, null, 2)}\n`);
  return () => rmSync(file, { force: true });
}

/** The stack whose record is in the data directory, if its process still runs (a killed stack leaves its record behind). */
export function runningLocalStack(dataDir: string): RunningLocalStack | undefined {
  let record: RunningLocalStack;
  try {
    record = JSON.parse(readFileSync(path.join(dataDir, runningStackFile), "utf8")) as RunningLocalStack;
  } catch {
    return undefined;
  }
  return isAlive(record.pid) ? record : undefined;
}

/** The data directory a CLI looks in: FLUXA_DATA_DIR, as `npm start` reads it, else `.fluxa/` in the repository. */
export function dataDirOf(env: Readonly<Record<string, string | undefined>>): string {
  return path.resolve(env.FLUXA_DATA_DIR?.trim() || defaultDataDir);
}

function isAlive(pid: unknown): boolean {
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    // Signal 0 only checks that the process exists; EPERM means it exists under another user.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
