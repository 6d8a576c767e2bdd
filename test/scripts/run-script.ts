import { execFile } from "node:child_process";
import * as path from "node:path";

const root = path.join(__dirname, "..", "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

export interface ScriptRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `scripts/<name>.ts` as `npm run <name>` would, with only the given variables set beside PATH. */
export function runScript(name: string, args: readonly string[], env: Record<string, string> = {}): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      tsx,
      [path.join(root, "scripts", `${name}.ts`), ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? "", NODE_NO_WARNINGS: "1", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
