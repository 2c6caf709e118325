/**
 * Runs tasks one at a time per key (a route table) and concurrently across keys. ARM answers
 * 409 AnotherOperationInProgress to a second write on a route table while a route LRO runs,
 * so the provider queues its own writes instead of colliding with itself.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task of `key` has settled; its result or error passes through. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
