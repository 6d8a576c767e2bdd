import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { defaultSourceName, encodeSourceDirectory } from "../functions/shared/sources";
import { keySlots, type SourceConfig } from "../stack-config/sources";

/** One API key slot of one source. */
export interface SourceKey {
  readonly source: string;
  readonly slot: number;
  readonly key: aws.apigateway.ApiKey;
}

/**
 * The logical and physical names of a slot's key. The default source's first slot keeps the names
 * of the single key Fluxa deployed before sources, so adopting sources does not replace that key.
 */
function keyNames(name: string, apiName: string, source: string, slot: number): { logical: string; physical: string } {
  if (source === defaultSourceName && slot === 1) return { logical: `${name}-key`, physical: `${apiName}-key` };
  return { logical: `${name}-source-${source}-key-${slot}`, physical: `${apiName}-${source}-key-${slot}` };
}

function planNames(name: string, apiName: string, source: string): { logical: string; physical: string } {
  if (source === defaultSourceName) return { logical: `${name}-usage-plan`, physical: `${apiName}-usage` };
  return { logical: `${name}-source-${source}-usage-plan`, physical: `${apiName}-${source}-usage` };
}

/** One API key per active slot of each source; created before the functions, which are told their ids. */
export function createSourceKeys(name: string, apiName: string, sources: readonly SourceConfig[], parent: pulumi.Resource): SourceKey[] {
  return sources.flatMap((source) =>
    keySlots(source).map((slot) => {
      const names = keyNames(name, apiName, source.name, slot);
      const key = new aws.apigateway.ApiKey(names.logical, { name: names.physical, description: `Fluxa source ${source.name}, key slot ${slot}`, enabled: true }, { parent });
      return { source: source.name, slot, key };
    }),
  );
}

/** The functions' source directory: every key id with its source. */
export function sourceDirectory(keys: readonly SourceKey[]): pulumi.Output<string> {
  return pulumi.all(keys.map((k) => k.key.id)).apply((ids) => encodeSourceDirectory(ids.map((id, i) => [id, keys[i].source] as const)));
}

/** One usage plan per source on the stage, with its limits, and each of its keys in it. */
export function createSourceUsagePlans(
  name: string,
  apiName: string,
  stage: { readonly apiId: pulumi.Input<string>; readonly stageName: pulumi.Input<string> },
  sources: readonly SourceConfig[],
  keys: readonly SourceKey[],
  parent: pulumi.Resource,
): aws.apigateway.UsagePlan[] {
  return sources.map((source) => {
    const names = planNames(name, apiName, source.name);
    const plan = new aws.apigateway.UsagePlan(
      names.logical,
      {
        name: names.physical,
        apiStages: [{ apiId: stage.apiId, stage: stage.stageName }],
        throttleSettings: { rateLimit: source.rateLimit, burstLimit: source.burstLimit },
        quotaSettings: { limit: source.quotaLimit, period: source.quotaPeriod },
      },
      { parent },
    );
    for (const { key, slot } of keys.filter((k) => k.source === source.name)) {
      const logical = source.name === defaultSourceName && slot === 1 ? `${name}-usage-plan-key` : `${names.logical}-key-${slot}`;
      new aws.apigateway.UsagePlanKey(logical, { keyId: key.id, keyType: "API_KEY", usagePlanId: plan.id }, { parent });
    }
    return plan;
  });
}

/** Per source, its key ids (plain) and its key values (secret), in slot order. */
export function sourceKeyOutputs(keys: readonly SourceKey[]): { ids: pulumi.Output<Record<string, string[]>>; values: pulumi.Output<Record<string, string[]>> } {
  const bySource = (values: readonly string[]) => {
    const grouped: Record<string, string[]> = {};
    keys.forEach((k, i) => (grouped[k.source] ??= []).push(values[i]));
    return grouped;
  };
  return {
    ids: pulumi.all(keys.map((k) => k.key.id)).apply(bySource),
    values: pulumi.secret(pulumi.all(keys.map((k) => k.key.value)).apply(bySource)),
  };
}
