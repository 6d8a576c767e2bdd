import { functionNames, functionSpecs, eventQueue, type FunctionName } from "../functions/topology";
import { sizingKeys, stackSettings } from "./keys";

const { database: dbKeys, queue: queueKeys } = stackSettings;

/** What the budget reads of a stack's config (a subset of FluxaConfig). */
export interface BudgetConfig {
  readonly functions: Readonly<Record<FunctionName, { readonly reservedConcurrency?: number }>>;
  readonly queue: { readonly maximumConcurrency: number };
  readonly database: {
    readonly instanceClass: string;
    /** Overrides the instance class's default max_connections (a custom parameter group). */
    readonly maxConnections?: number;
    readonly poolSize: number;
    readonly operatorConnections: number;
    readonly proxy: boolean;
    readonly proxyMaxConnectionsPercent: number;
  };
}

export interface Demand {
  readonly who: FunctionName | "operators";
  readonly connections: number;
  /** How the figure is made, in config keys: "processorMaximumConcurrency 5 × dbPoolSize 2". */
  readonly because: string;
}

export interface ConnectionBudget {
  /** PostgreSQL's max_connections and where it comes from. */
  readonly maxConnections: number;
  readonly maxConnectionsSource: string;
  /** Slots RDS keeps for superuser and rds_superuser sessions. */
  readonly reserved: number;
  /** Connections the functions may hold: through RDS Proxy its share of max_connections, else what is left after reserved slots and operators. */
  readonly functionSupply: number;
  /** How the supply is made: "RDS Proxy's 90% of max_connections 901". */
  readonly functionSupplySource: string;
  readonly functionDemand: number;
  readonly demands: readonly Demand[];
  /** What operators (psql, a manual migration) can still open. */
  readonly operatorSupply: number;
  readonly operatorConnections: number;
  /** Unbounded database functions: their concurrency is not a number, so the budget cannot hold. */
  readonly unbounded: readonly FunctionName[];
}

/** RDS PostgreSQL's defaults: superuser_reserved_connections 3, rds.rds_superuser_reserved_connections 2. */
export const rdsReservedConnections = 5;

/** AWS: RDS PostgreSQL's default max_connections is LEAST(DBInstanceClassMemory / 9531392, 5000). */
export function rdsDefaultMaxConnections(memoryBytes: number): number {
  return Math.min(Math.floor(memoryBytes / 9531392), 5000);
}

const gib = 1024 ** 3;
const burstableGib: Readonly<Record<string, number>> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 };
const sizeMultiplier: Readonly<Record<string, number>> = {
  large: 1, xlarge: 2, "2xlarge": 4, "4xlarge": 8, "8xlarge": 16, "12xlarge": 24, "16xlarge": 32, "24xlarge": 48, "32xlarge": 64, "48xlarge": 96,
};

/** Memory of an RDS instance class in bytes, for the burstable (t), general (m) and memory (r) families; undefined if unknown. */
export function instanceClassMemoryBytes(instanceClass: string): number | undefined {
  const match = /^db\.([tmr])(\d+)([a-z]*)\.([0-9a-z]+)$/.exec(instanceClass);
  if (!match) return undefined;
  const [, family, , , size] = match;
  if (family === "t") return burstableGib[size] === undefined ? undefined : burstableGib[size] * gib;
  const multiplier = sizeMultiplier[size];
  if (multiplier === undefined) return undefined;
  // m: 8 GiB for a large and 4 GiB per vCPU; r: twice that.
  return multiplier * (family === "m" ? 8 : 16) * gib;
}

/** How many larges an m or r size is (2xlarge: 4); undefined for a size Fluxa does not know. */
export function instanceClassSizeMultiplier(size: string): number | undefined {
  return sizeMultiplier[size];
}

/** How many concurrent executions of a function can hold connections, and which keys set it. */
function concurrencyOf(config: BudgetConfig, fn: FunctionName): { concurrency?: number; because: string } {
  if (fn === eventQueue.consumer) {
    return { concurrency: config.queue.maximumConcurrency, because: `${queueKeys.maximumConcurrency.key} ${config.queue.maximumConcurrency}` };
  }
  const reserved = config.functions[fn].reservedConcurrency;
  return { concurrency: reserved, because: `${sizingKeys.reservedConcurrency(fn)} ${reserved ?? "(unset)"}` };
}

/**
 * The connections a stack's functions can open against what its database accepts. Every function
 * linked to the database counts at its bound (the queue consumer at the mapping's maximum
 * concurrency, the others at their reserved concurrency) times the pool each environment opens.
 */
export function connectionBudget(config: BudgetConfig): ConnectionBudget {
  const db = config.database;
  const memory = instanceClassMemoryBytes(db.instanceClass);
  const maxConnections = db.maxConnections ?? (memory === undefined ? 0 : rdsDefaultMaxConnections(memory));
  const maxConnectionsSource =
    db.maxConnections !== undefined
      ? dbKeys.maxConnections.key
      : memory === undefined
        ? `${db.instanceClass}: unknown instance class`
        : `${db.instanceClass}: ${memory / gib} GiB / 9531392`;
  const demands: Demand[] = [];
  const unbounded: FunctionName[] = [];
  for (const fn of functionNames.filter((name) => functionSpecs[name].links.includes("database"))) {
    const { concurrency, because } = concurrencyOf(config, fn);
    if (concurrency === undefined) unbounded.push(fn);
    else demands.push({ who: fn, connections: concurrency * db.poolSize, because: `${because} × ${dbKeys.poolSize.key} ${db.poolSize}` });
  }
  const functionDemand = demands.reduce((sum, d) => sum + d.connections, 0);
  const usable = Math.max(0, maxConnections - rdsReservedConnections);
  // AWS: RDS Proxy opens at most MaxConnectionsPercent of max_connections; operators connect beside it.
  const proxyShare = Math.floor((maxConnections * db.proxyMaxConnectionsPercent) / 100);
  const functionSupply = db.proxy ? Math.min(proxyShare, usable) : Math.max(0, usable - db.operatorConnections);
  const operatorSupply = db.proxy ? Math.max(0, usable - proxyShare) : usable - Math.min(usable, functionDemand);
  return {
    maxConnections,
    maxConnectionsSource,
    reserved: rdsReservedConnections,
    functionSupply,
    functionSupplySource: db.proxy
      ? `RDS Proxy's ${db.proxyMaxConnectionsPercent}% of max_connections ${maxConnections}`
      : `max_connections ${maxConnections} less ${rdsReservedConnections} reserved and ${db.operatorConnections} for operators`,
    functionDemand,
    demands,
    operatorSupply,
    operatorConnections: db.operatorConnections,
    unbounded,
  };
}

/** Problems with a budget, each naming the config keys that change it; empty when it holds. */
export function budgetProblems(config: BudgetConfig, namespace: string): string[] {
  const budget = connectionBudget(config);
  const key = (name: string) => `${namespace}:${name}`;
  const problems: string[] = [];
  if (budget.maxConnections === 0) {
    problems.push(`${key(dbKeys.instanceClass.key)}: the memory of ${config.database.instanceClass} is not known, so neither is its max_connections; set ${key(dbKeys.maxConnections.key)}`);
    return problems;
  }
  for (const fn of budget.unbounded) {
    problems.push(`${key(sizingKeys.reservedConcurrency(fn))}: required: ${fn} connects to PostgreSQL, and without a bound its executions can open more connections than the database accepts`);
  }
  const processorReserved = config.functions[eventQueue.consumer].reservedConcurrency;
  if (processorReserved !== undefined && processorReserved < config.queue.maximumConcurrency) {
    problems.push(
      `${key(sizingKeys.reservedConcurrency(eventQueue.consumer))}: ${processorReserved} is below ${key(queueKeys.maximumConcurrency.key)} ${config.queue.maximumConcurrency}: ` +
        "Lambda's SQS pollers scale to the mapping's maximum, the excess batches are throttled and their receive counts raised; raise the reservation or lower the maximum",
    );
  }
  if (budget.functionDemand > budget.functionSupply) {
    const keys = [...budget.demands.map((d) => d.because.split(" ")[0]), dbKeys.poolSize.key, dbKeys.instanceClass.key, (config.database.proxy ? dbKeys.proxyMaxConnectionsPercent : dbKeys.operatorConnections).key];
    problems.push(
      `connection budget: the functions can open ${budget.functionDemand} connections (${budget.demands.map((d) => `${d.who} ${d.because}`).join(", ")}) ` +
        `but the database accepts ${budget.functionSupply} (${budget.functionSupplySource}); change ${[...new Set(keys)].map(key).join(", ")}`,
    );
  }
  if (config.database.proxy && budget.operatorSupply < config.database.operatorConnections) {
    problems.push(
      `${key(dbKeys.proxyMaxConnectionsPercent.key)}: RDS Proxy may take ${config.database.proxyMaxConnectionsPercent}% of max_connections ${budget.maxConnections}, ` +
        `leaving ${budget.operatorSupply} beside the ${budget.reserved} reserved slots for the ${config.database.operatorConnections} of ${key(dbKeys.operatorConnections.key)}; lower the percentage`,
    );
  }
  return problems;
}
