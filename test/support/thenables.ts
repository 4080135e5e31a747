/**
 * Thenables that are not promises, as libraries hand them out: a lazy query that starts its work
 * in `then` (and, hand-written, may return nothing from it), and a hostile value whose `then`
 * getter throws. Await-like code must follow them as `await` does.
 */
type Then<T> = (resolve: (value: T) => void, reject: (error: unknown) => void) => void;

export function thenable<T>(then: Then<T>): PromiseLike<T> {
  return { then } as unknown as PromiseLike<T>;
}

export function thenGetterThrows(message: string): object {
  return {
    // biome-ignore lint/suspicious/noThenProperty: reading `then` throws, on purpose
    get then(): never {
      throw new Error(message);
    },
  };
}
