/** Calls `load` once, on first use, and keeps its result; a load that failed is tried again on the next use. */
export function loadOnFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

type AsyncMethods<T> = { readonly [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * An object whose methods load the real one on first use (once, as `loadOnFirstUse`) and call its
 * own. `methods` names every method of `T`, so a port that gains one fails to compile here.
 */
export function forwardedOnFirstUse<T extends AsyncMethods<T>>(load: () => Promise<T>, methods: { readonly [K in keyof T]: true }): T {
  const loaded = loadOnFirstUse(load);
  const forward = (name: keyof T) => async (...args: never[]) => {
    const target = await loaded();
    return target[name](...args);
  };
  return Object.fromEntries(Object.keys(methods).map((name) => [name, forward(name as keyof T)])) as T;
}
