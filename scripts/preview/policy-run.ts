import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { PackDefinition, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "../../policy/pack";
import type { Registration } from "./mock-engine";

/** One violation a policy reported, at the level the pack enforces it. */
export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: "advisory" | "mandatory";
  readonly urn: string;
  readonly message: string;
}

/** The pack could not be loaded, or a policy failed instead of judging: the run proves nothing. */
export class PolicyPackError extends Error {}

/** Loads `<dir>/pack.ts`'s `pack`: the policies `<dir>/index.ts` hands the engine, without starting its server. */
export function loadPack(dir: string): PackDefinition {
  if (!existsSync(path.join(dir, "PulumiPolicy.yaml"))) throw new PolicyPackError(`${dir} is not a policy pack: it has no PulumiPolicy.yaml`);
  let loaded: { pack?: PackDefinition };
  try {
    // Loaded only when asked for, so that a pack that cannot load is reported, not a crash of the preview.
    loaded = createRequire(__filename)(path.resolve(dir, "pack.ts")) as { pack?: PackDefinition };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new PolicyPackError(`the policy pack in ${dir} fails to load (are its dependencies installed? npm ci --prefix ${path.relative(process.cwd(), dir) || "."}): ${reason}`);
  }
  if (!Array.isArray(loaded.pack?.policies)) throw new PolicyPackError(`${path.join(dir, "pack.ts")} exports no pack with a policies array`);
  return loaded.pack;
}

class NotApplicable extends Error {}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

/** Secrets reach the mocks wrapped; policies see their plain values, as the engine hands them over. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, unwrapSecrets(inner)]));
}

const isTypeOf = (type: string) => (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType === type;

/** A policy's config as the engine gives it: its schema's defaults, then the pack's values, without enforcementLevel. */
function configOf(pack: PackDefinition, policy: ResourceValidationPolicy | StackValidationPolicy): Record<string, unknown> {
  const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).map(([key, schema]) => [key, (schema as { default?: unknown }).default]));
  const configured = pack.config[policy.name];
  const { enforcementLevel: _level, ...values } = typeof configured === "object" ? configured : {};
  return { ...defaults, ...values };
}

function enforcementOf(pack: PackDefinition, policy: ResourceValidationPolicy | StackValidationPolicy): Violation["enforcementLevel"] | "disabled" {
  const configured = pack.config[policy.name];
  const level = (typeof configured === "string" ? configured : configured?.enforcementLevel) ?? policy.enforcementLevel ?? pack.enforcementLevel;
  return level === "remediate" ? "mandatory" : level;
}

/** Mocks record no resource options: each resource is given the engine's defaults. */
const defaultOptions = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

/**
 * Drives every policy of `pack` over a mock run's registrations the way the engine does: each resource
 * validation once per resource with its inputs, each stack validation once with every resource's state
 * (inputs and computed outputs). Collects every violation; throws PolicyPackError when a policy throws.
 */
export async function runPolicies(pack: PackDefinition, registrations: readonly Registration[]): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const policy of pack.policies) {
    const enforcementLevel = enforcementOf(pack, policy);
    if (enforcementLevel === "disabled") continue;
    const reporter = (urn: string) => (message: string, at?: string) => violations.push({ policy: policy.name, enforcementLevel, urn: at ?? urn, message });
    const judge = async (urn: string, validate: () => Promise<void> | void) => {
      try {
        await validate();
      } catch (error) {
        if (error instanceof NotApplicable) return;
        throw new PolicyPackError(`policy ${policy.name} failed on ${urn}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const getConfig = () => configOf(pack, policy);
    if ("validateResource" in policy && policy.validateResource) {
      for (const r of registrations) {
        const props = unwrapSecrets(r.inputs) as Record<string, unknown>;
        const args = {
          type: r.type,
          props,
          urn: r.urn,
          name: r.name,
          opts: defaultOptions,
          stackTags: new Map<string, string>(),
          isType: isTypeOf(r.type),
          asType: (resourceClass: unknown) => (isTypeOf(r.type)(resourceClass) ? props : undefined),
          getConfig,
          notApplicable,
        } as unknown as ResourceValidationArgs;
        for (const validate of [policy.validateResource].flat()) await judge(r.urn, () => validate(args, reporter(r.urn)));
      }
    }
    if ("validateStack" in policy) {
      const resources = registrations.map((r) => {
        // Mocks make ids up (`<name>-id`) where AWS's are often names: references by id resolve through it.
        const props = { ...(unwrapSecrets(r.state) as Record<string, unknown>), id: r.id };
        return { type: r.type, props, urn: r.urn, name: r.name, opts: defaultOptions, dependencies: [], propertyDependencies: {}, isType: isTypeOf(r.type), asType: () => props };
      }) as unknown as PolicyResource[];
      const stackUrn = `pulumi:stack ${registrations[0]?.urn.split("::")[0] ?? ""}`;
      await judge(stackUrn, () => policy.validateStack({ resources, getConfig, stackTags: new Map(), notApplicable } as never, reporter(stackUrn)));
    }
  }
  return violations;
}
