// Passes every call of an AWS SDK client through a function of the test's: to record calls,
// or to inject faults that an emulator cannot produce (throttling, 5xx, a crash mid-run).
// The hook sits in the deserialize step, inside the SDK's retry loop, so an injected error is
// retried exactly as one from the wire would be.

export type Send = () => Promise<unknown>;
/** command: the SDK command's name; input: its parameters, to tell calls apart. */
export type Around = (command: string, send: Send, input: Record<string, unknown>) => Promise<unknown>;

type Handler = (args: unknown) => Promise<unknown>;

export function intercept<T extends { middlewareStack: { add: unknown } }>(client: T, around: Around): T {
  const add = (client.middlewareStack.add as (...a: unknown[]) => void).bind(client.middlewareStack) as (
    middleware: (next: Handler, context: { commandName?: string }) => Handler,
    options: { step: string; priority: string; name: string },
  ) => void;
  add(
    (next, context) => (args) =>
      around(
        context.commandName ?? "unknown",
        () => next(args),
        (args as { input?: Record<string, unknown> }).input ?? {},
      ),
    {
      step: "deserialize",
      priority: "low",
      name: "testIntercept",
    },
  );
  return client;
}
