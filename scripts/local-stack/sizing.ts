import { existsSync } from "node:fs";
import * as path from "node:path";
import { configNamespace, parseConfig, type FluxaConfig } from "../../stack-config/config";
import { namespaceKeys, readStackConfig } from "../preview/stack-file";
import { defaultPartitionLayout } from "../../functions/shared/event-partitions";
import { defaultDatabasePoolSize, eventQueue, functionNames, functionSpecs, type FunctionName } from "../../functions/topology";

/** What bounds and sizes the functions and the processor's mapping: the part of a stack's config the local stack runs by. */
export type LocalSizing = Pick<FluxaConfig, "functions" | "queue" | "eventPartitions"> & { readonly databasePoolSize: number };

export interface SizingOverrides {
  readonly reservedConcurrency: Partial<Record<FunctionName, number>>;
  readonly maximumConcurrency?: number;
}

const repositoryRoot = path.resolve(__dirname, "..", "..");

/** The topology's defaults: what a stack without sizing keys deploys. */
export function topologySizing(): LocalSizing {
  const functions = Object.fromEntries(
    functionNames.map((fn) => {
      const { memoryMb, timeoutSeconds, reservedConcurrency } = functionSpecs[fn];
      return [fn, { memoryMb, timeoutSeconds, reservedConcurrency }];
    }),
  ) as LocalSizing["functions"];
  const { batchSize, maximumBatchingWindowSeconds, maximumConcurrency } = eventQueue;
  return { functions, queue: { batchSize, batchingWindowSeconds: maximumBatchingWindowSeconds, maximumConcurrency }, databasePoolSize: defaultDatabasePoolSize, eventPartitions: defaultPartitionLayout };
}

/**
 * A stack's sizing from its `Pulumi.<stack>.yaml`, through the same validation as a deploy: a stack
 * that would be refused there (an oversubscribed database, a reservation below the mapping's
 * maximum) is refused here, with the same messages.
 */
export function stackSizing(stack: string, root = repositoryRoot): LocalSizing {
  if (!existsSync(path.join(root, `Pulumi.${stack}.yaml`))) throw new Error(`FLUXA_STACK=${stack}: there is no Pulumi.${stack}.yaml in ${root}`);
  const file = readStackConfig(stack, root);
  const config = parseConfig(namespaceKeys(file, configNamespace), stack, file["aws:region"] ?? "");
  return { functions: config.functions, queue: config.queue, databasePoolSize: config.database.poolSize, eventPartitions: config.eventPartitions };
}

/**
 * Explicit limits over a sizing. They are not checked against the connection budget: reproducing
 * what the budget refuses (a processor reservation below the mapping's maximum) is their point.
 */
export function withOverrides(sizing: LocalSizing, overrides: SizingOverrides): LocalSizing {
  const functions = Object.fromEntries(
    functionNames.map((fn) => [fn, { ...sizing.functions[fn], reservedConcurrency: overrides.reservedConcurrency[fn] ?? sizing.functions[fn].reservedConcurrency }]),
  ) as LocalSizing["functions"];
  return { ...sizing, functions, queue: { ...sizing.queue, maximumConcurrency: overrides.maximumConcurrency ?? sizing.queue.maximumConcurrency } };
}
