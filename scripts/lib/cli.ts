import { parseArgs } from "node:util";

/** One command-line option taking a value; `env` names the environment variable that supplies it when the flag is absent. */
export interface OptionSpec {
  readonly description: string;
  readonly env?: string;
  readonly default?: string;
  /** Shown in the usage text: `--endpoint <url>`. */
  readonly placeholder?: string;
  /** Takes no value: "true" when given, else unset. */
  readonly flag?: boolean;
}

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** The npm script: `npm run <name> -- [options]`. */
  readonly name: string;
  readonly summary: string;
  readonly options: O;
  readonly examples?: readonly string[];
}

export type OptionValues<O extends Record<string, OptionSpec>> = { readonly [K in keyof O]: string | undefined };

/** A mistake in how the command was called (exit 2), as opposed to a check or request that failed (exit 1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function usage<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  const rows = Object.entries(spec.options).map(([name, option]) => {
    const flag = option.flag ? `--${name}` : `--${name} <${option.placeholder ?? "value"}>`;
    const extras = [option.env && `env ${option.env}`, option.default !== undefined && `default ${option.default}`].filter(Boolean);
    return [flag, `${option.description}${extras.length > 0 ? ` (${extras.join("; ")})` : ""}`];
  });
  rows.push(["--help", "print this text"]);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `Usage: npm run ${spec.name} -- [options]`,
    "",
    spec.summary,
    "",
    "Options:",
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    ...(spec.examples?.length ? ["", "Examples:", ...spec.examples.map((e) => `  ${e}`)] : []),
  ].join("\n");
}

/** Flags win over the environment, which wins over defaults; `undefined` means `--help` was asked for. */
export function parseCli<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): OptionValues<O> | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(Object.entries(spec.options).map(([name, option]) => [name, { type: option.flag ? ("boolean" as const) : ("string" as const) }])),
        help: { type: "boolean" },
      },
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) return undefined;
  const given = Object.fromEntries(Object.entries(parsed.values).map(([name, value]) => [name, value === true ? "true" : value])) as Record<string, string | undefined>;
  const values: Record<string, string | undefined> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    values[name] = given[name] ?? (option.env ? env[option.env]?.trim() || undefined : undefined) ?? option.default;
  }
  return values as OptionValues<O>;
}

/** Names every missing setting with its flag and variable, so one run tells the caller all they must add. */
export function requireSettings<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, values: OptionValues<O>, names: readonly (keyof O & string)[], hint = ""): void {
  const missing = names.filter((name) => values[name] === undefined || values[name] === "");
  if (missing.length === 0) return;
  const described = missing.map((name) => `--${name}${spec.options[name].env ? ` (or ${spec.options[name].env})` : ""}`);
  throw new UsageError(`missing required setting${missing.length > 1 ? "s" : ""}: ${described.join(", ")}${hint}`);
}

export function integerSetting(name: string, raw: string | undefined, bounds: { readonly min: number; readonly max: number }): number {
  const value = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw) || value < bounds.min || value > bounds.max) {
    throw new UsageError(`--${name} must be a whole number from ${bounds.min} to ${bounds.max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Runs a command's main: its result is the exit code; a UsageError exits 2 with a pointer to --help. */
export function runCli(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${name}: ${error.message}\nRun \`npm run ${name} -- --help\` for usage.`);
        process.exitCode = 2;
      } else {
        console.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      }
    },
  );
}
