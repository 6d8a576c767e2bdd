/**
 * The API's shapes, taken from the types generated from docs/openapi.json by operation (path and
 * method), so they follow the document however its schemas are named.
 */
import type { paths } from "./generated/openapi";

type JsonBody<T> = T extends { content: { "application/json": infer Body } } ? Body : never;

/** An event as POST /events and POST /events/batch take it. */
export type FluxaEvent = JsonBody<paths["/events"]["post"]["requestBody"]>;

/** An event as Fluxa stored it: GET /events/{id}, and each event of a GET /events page. */
export type FluxaStoredEvent = JsonBody<paths["/events/{id}"]["get"]["responses"][200]>;

/** One page of GET /events. */
export type FluxaEventPage = JsonBody<paths["/events"]["get"]["responses"][200]>;

/** GET /events's query parameters, as the API names them. */
export type ListQueryParameters = NonNullable<paths["/events"]["get"]["parameters"]["query"]>;

/** One element of a 207 answer to POST /events/batch. */
export type FluxaBatchItemResult = JsonBody<paths["/events/batch"]["post"]["responses"][207]>["results"][number];

/** The JSON body of an error answer. */
export type FluxaErrorBody = JsonBody<paths["/events"]["post"]["responses"][400]>;

/** One field the server refused, and why. */
export type FluxaValidationDetail = NonNullable<FluxaErrorBody["details"]>[number];
