/** A FIFO lock: each task starts after the previous one settled. The embedded database has one connection. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs task when every earlier task has finished, whatever their outcome. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
