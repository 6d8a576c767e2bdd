import type { Violation } from "./policy-run";

/** Prints a stack's violations, mandatory first, each with its policy and resource; returns how many are mandatory. */
export function printViolations(packName: string, stack: string, resourceCount: number, violations: readonly Violation[]): number {
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
  console.log(`\nPolicy pack ${packName} over ${resourceCount} resources of ${stack}:`);
  for (const v of [...mandatory, ...violations.filter((v) => v.enforcementLevel === "advisory")]) {
    console.log(`  ${v.enforcementLevel}  ${v.policy}  ${v.urn}\n      ${v.message}`);
  }
  console.log(`  ${mandatory.length} mandatory, ${violations.length - mandatory.length} advisory violations`);
  return mandatory.length;
}
