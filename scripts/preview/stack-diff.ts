import type { Registration } from "./mock-engine";

/** One difference between two stacks' programs, keyed by logical name (the same in every stack). */
export interface StackDifference {
  readonly resource: string;
  /** Top-level input, or undefined when the resource exists in one stack only. */
  readonly property?: string;
  readonly left: unknown;
  readonly right: unknown;
}

/** Replaces the stack name as a word, so `fluxa-events-dev` and `fluxa-events-prod` compare equal. */
function normalise(value: unknown, stack: string): unknown {
  const word = new RegExp(`\\b${stack}\\b`, "g");
  return JSON.parse(JSON.stringify(value ?? null).replace(word, "<stack>")) as unknown;
}

function key(r: Registration): string {
  return `${r.type} ${r.name}`;
}

/**
 * What differs between two stacks' registrations: resources present in one only, and inputs whose
 * values differ once stack names are normalised away. Ordered by resource, then property.
 */
export function diffStacks(left: { stack: string; registrations: readonly Registration[] }, right: { stack: string; registrations: readonly Registration[] }): StackDifference[] {
  const leftByKey = new Map(left.registrations.map((r) => [key(r), r]));
  const rightByKey = new Map(right.registrations.map((r) => [key(r), r]));
  const differences: StackDifference[] = [];
  for (const resource of [...new Set([...leftByKey.keys(), ...rightByKey.keys()])].sort()) {
    const l = leftByKey.get(resource);
    const r = rightByKey.get(resource);
    if (!l || !r) {
      differences.push({ resource, left: l ? "present" : "absent", right: r ? "present" : "absent" });
      continue;
    }
    for (const property of [...new Set([...Object.keys(l.inputs), ...Object.keys(r.inputs)])].sort()) {
      const lv = normalise(l.inputs[property], left.stack);
      const rv = normalise(r.inputs[property], right.stack);
      if (JSON.stringify(lv) !== JSON.stringify(rv)) differences.push({ resource, property, left: l.inputs[property], right: r.inputs[property] });
    }
  }
  return differences;
}
