export { FluxaClient, type ClientStats, type CloseReport, type SendOptions, type SentEvent, type UnsentEvent } from "./client";
export type { ListQuery } from "./reading";
export type { FluxaClientOptions, FluxaLogger } from "./options";
export type { BatchItemResult, ErrorBody, EventPage, FluxaEvent, StoredEvent, ValidationDetail } from "./api-types";
export {
  FluxaBufferFullError,
  FluxaClosedError,
  FluxaError,
  FluxaNotSentError,
  FluxaOptionsError,
  FluxaRejectedError,
  FluxaRetriesExhaustedError,
  FluxaValidationError,
} from "./errors";
