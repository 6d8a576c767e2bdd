import { createHash } from "node:crypto";
import type { RouteSpec } from "../functions/topology";

/** One API Gateway resource: a path segment under its parent ("/" is the API's root resource). */
export interface ApiResourceNode {
  readonly path: string;
  readonly parentPath: string;
  readonly pathPart: string;
}

/** Every resource the routes need, each prefix once, parents before children. */
export function resourceTree(routes: readonly RouteSpec[]): ApiResourceNode[] {
  const nodes = new Map<string, ApiResourceNode>();
  for (const route of routes) {
    const segments = route.path.split("/").filter(Boolean);
    segments.forEach((pathPart, i) => {
      const path = `/${segments.slice(0, i + 1).join("/")}`;
      const parentPath = i === 0 ? "/" : `/${segments.slice(0, i).join("/")}`;
      if (!nodes.has(path)) nodes.set(path, { path, parentPath, pathPart });
    });
  }
  return [...nodes.values()].sort((a, b) => a.path.split("/").length - b.path.split("/").length || a.path.localeCompare(b.path));
}

/** A readable, stable logical-name fragment: `GET /events/{id}` → `get-events-id`. */
export function routeSlug(route: Pick<RouteSpec, "method" | "path">): string {
  return `${route.method.toLowerCase()}-${pathSlug(route.path)}`;
}

export function pathSlug(path: string): string {
  return path.replace(/[{}]/g, "").split("/").filter(Boolean).join("-") || "root";
}

/** The part of an execute-api source ARN after the stage: path parameters become wildcards. */
export function invokeSourcePath(route: Pick<RouteSpec, "method" | "path">): string {
  return `${route.method}${route.path.replace(/\{[^}]+\}/g, "*")}`;
}

/** Changes whenever a route or any method's or integration's fingerprint changes, so the stage gets a new deployment. */
export function redeploymentHash(routes: readonly RouteSpec[], fingerprints: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify({ routes, fingerprints })).digest("hex");
}
