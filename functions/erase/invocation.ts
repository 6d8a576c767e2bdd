import type { Logger } from "../shared/logger";
import { handleErase, type ErasePorts, type EraseSettings } from "./core";
import { decodeEraseRequest, type EraseResponse } from "./protocol";

export interface EraseHandlerDeps {
  readonly ports: ErasePorts;
  readonly settings: EraseSettings;
  readonly log: Logger;
}

/**
 * Invoked synchronously by `npm run erase`. A bad request is answered (`ok: false`), not thrown:
 * it is the caller's mistake, not a function error for the alarm to count.
 */
export function createEraseHandler({ ports, settings, log }: EraseHandlerDeps) {
  return async function handler(event: unknown): Promise<EraseResponse> {
    const decoded = decodeEraseRequest(event);
    if (!decoded.ok) return { ok: false, problem: decoded.problem };
    try {
      const response = await handleErase(ports, settings, decoded.request);
      if (!response.ok) log.info({ action: decoded.request.action, problem: response.problem }, "erase request refused");
      return response;
    } catch (error) {
      log.error({ err: error, action: decoded.request.action }, "erase invocation failed");
      throw error;
    }
  };
}
