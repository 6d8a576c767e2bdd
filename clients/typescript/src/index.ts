export { FluxaClient, type ClientStats, type CloseReport, type SendOptions, type SentEvent, type UnsentEvent } from "./client";
export type { ListQuery } from "./reading";
export type { FluxaClientOptions, FluxaLogger } from "./options";
export type { FluxaBatchItemResult, FluxaErrorBody, FluxaEventPage, FluxaEvent, FluxaStoredEvent, FluxaValidationDetail } from "./api-types";
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
