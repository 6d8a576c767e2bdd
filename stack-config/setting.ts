import { isLeft } from "fp-ts/lib/Either";
import type * as t from "io-ts";
import type { ConfigCodec } from "./codecs";

/** Values decoded so far, by key: what a computed default reads. */
export type DecodedSoFar = ReadonlyMap<string, unknown>;

/** One stack config key: how it is read, what a stack without it gets, and what it means. */
export interface Setting<A, Required extends boolean> {
  readonly key: string;
  readonly codec: ConfigCodec<A>;
  /** A string the codec reads, or one computed from keys declared before it; undefined leaves the value unset. */
  readonly fallback: string | ((decoded: DecodedSoFar) => string) | undefined;
  readonly required: Required;
  /** DEPLOYING's Meaning column. */
  readonly meaning: string;
  /** DEPLOYING's Default column. */
  readonly defaultText: string;
  /** Keys declared once per function share one row of DEPLOYING's table, e.g. `<fn>MemoryMb`. */
  readonly row?: string;
}

/** A setting whatever its value's type (a codec's encoder keeps Setting<A> from widening to Setting<unknown>). */
export type AnySetting = Omit<Setting<unknown, boolean>, "codec"> & { readonly codec: t.Decoder<unknown, unknown> };
export interface SettingTree {
  readonly [field: string]: AnySetting | SettingTree;
}

interface SettingDocs {
  readonly meaning: string;
  /** When the Default column should say more than the default itself. */
  readonly defaultText?: string;
  readonly row?: string;
}

export function setting<A>(key: string, codec: ConfigCodec<A>, fallback: string | ((decoded: DecodedSoFar) => string), docs: SettingDocs): Setting<A, true> {
  const defaultText = docs.defaultText ?? (typeof fallback === "string" ? (fallback === "" ? "unset" : `\`${fallback}\``) : "computed");
  return { key, codec, fallback, required: true, meaning: docs.meaning, defaultText, row: docs.row };
}

export function optionalSetting<A>(key: string, codec: ConfigCodec<A>, fallback: string | undefined, docs: SettingDocs): Setting<A, false> {
  const defaultText = docs.defaultText ?? (fallback === undefined ? "unset" : `\`${fallback}\``);
  return { key, codec, fallback, required: false, meaning: docs.meaning, defaultText, row: docs.row };
}

type Optional<T> = { readonly [K in keyof T]: T[K] extends { readonly required: false } ? K : never }[keyof T];
type Simplify<T> = { readonly [K in keyof T]: T[K] };

/** The value a tree of settings decodes to: a field per setting, optional where the key may stay unset. */
export type Decoded<T> = Simplify<
  { readonly [K in Exclude<keyof T, Optional<T>>]: DecodedField<T[K]> } & { readonly [K in Optional<T>]?: DecodedField<T[K]> }
>;
type DecodedField<S> = S extends Setting<infer A, boolean> ? A : Decoded<S>;

function isSetting(node: AnySetting | SettingTree): node is AnySetting {
  return "codec" in node && "key" in node;
}

/** Every setting of the tree, in declaration order. */
export function settingsOf(tree: SettingTree): AnySetting[] {
  return Object.values(tree).flatMap((node) => (isSetting(node) ? [node] : settingsOf(node)));
}

/** Decodes `raw` (keys without the namespace) into the tree's shape, filling defaults; a problem names its key. */
export function decodeTree<T extends SettingTree>(tree: T, raw: Readonly<Record<string, string | undefined>>, namespace: string, problems: string[]): Decoded<T> {
  const decoded = new Map<string, unknown>();
  const walk = (node: SettingTree): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [field, child] of Object.entries(node)) {
      if (!isSetting(child)) {
        out[field] = walk(child);
        continue;
      }
      const given = raw[child.key] ?? (typeof child.fallback === "function" ? child.fallback(decoded) : child.fallback);
      if (given === undefined) {
        out[field] = undefined;
        continue;
      }
      const result = child.codec.decode(given);
      if (isLeft(result)) problems.push(`${namespace}:${child.key}: ${result.left.map((e) => e.message).join("; ")}`);
      else decoded.set(child.key, (out[field] = result.right));
    }
    return out;
  };
  // Each required key was decoded or reported: with problems, the caller throws before reading the result.
  return walk(tree) as Decoded<T>;
}
