import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { loadConfig, type FluxaConfig } from "../../stack-config/config";
import { promiseOf, runOffline, type Registration } from "../../scripts/preview/mock-engine";
import { createFluxa } from "../../components/program";
import type { FluxaOutputs } from "../../components/stack-outputs";
import { readStackConfig } from "../../scripts/preview/stack-file";

export { promiseOf };
export type Outputs = { readonly [K in keyof FluxaOutputs]: FluxaOutputs[K] extends pulumi.Output<infer T> ? T : never };

export interface StackRun {
  readonly stack: string;
  readonly config: FluxaConfig;
  readonly registrations: readonly Registration[];
  readonly outputs: Outputs;
  readonly bundleDir: string;
}

const runs = new Map<string, Promise<StackRun>>();

/** The whole program for one stack, from its real `Pulumi.<stack>.yaml`, once per test process. */
export function runStack(stack: "dev" | "prod"): Promise<StackRun> {
  let run = runs.get(stack);
  if (!run) {
    run = runOnce(stack);
    runs.set(stack, run);
  }
  return run;
}

async function runOnce(stack: string): Promise<StackRun> {
  const bundleDir = mkdtempSync(path.join(tmpdir(), `fluxa-bundles-${stack}-`));
  const { registrations, result } = await runOffline(stack, readStackConfig(stack), () => {
    const config = loadConfig();
    return { config, outputs: createFluxa(config, { bundleDir }) };
  });
  const entries = await Promise.all(Object.entries(result.outputs).map(async ([key, output]): Promise<[string, unknown]> => [key, await promiseOf<unknown>(output)]));
  return { stack, config: result.config, registrations, outputs: Object.fromEntries(entries) as unknown as Outputs, bundleDir };
}

/** Registrations of one type; `aws:lambda/function:Function` etc. */
export function ofType(run: StackRun, type: string): Registration[] {
  return run.registrations.filter((r) => r.type === type);
}

/** The one registration of `type` named `name`; fails loudly when it is missing. */
export function one(run: StackRun, type: string, name: string): Registration {
  const found = run.registrations.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0];
}

export interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: unknown;
}

export function statementsOf(policy: unknown): Statement[] {
  return (JSON.parse(policy as string) as { Statement: Statement[] }).Statement;
}
