/** A function that does nothing: invoked with another's event, its invocation time is the hop into the worker and back. */
export const handler = (): Promise<null> => Promise.resolve(null);
