import type { ConnectionBudget } from "../../stack-config/connection-budget";
import { formatTable } from "./table";

/** A stack's connection budget as `preview:offline` prints it: who opens what, against what the database accepts. */
export function budgetReport(stack: string, budget: ConnectionBudget): string {
  const rows = budget.demands.map((d) => [d.who, String(d.connections), d.because]);
  const headroom = budget.functionSupply - budget.functionDemand;
  return [
    `Connection budget of ${stack}: max_connections ${budget.maxConnections} (${budget.maxConnectionsSource}), ${budget.reserved} reserved by RDS`,
    formatTable(["opened by", "connections", "because"], rows),
    `demand ${budget.functionDemand}, supply ${budget.functionSupply} (${budget.functionSupplySource}), headroom ${headroom}` +
      ` (${Math.round((100 * budget.functionDemand) / Math.max(1, budget.functionSupply))}% used); operators ${budget.operatorConnections} of ${budget.operatorSupply} left to them`,
  ].join("\n");
}
