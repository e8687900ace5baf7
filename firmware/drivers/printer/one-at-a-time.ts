/**
 * Runs tasks one after another: a second print (or a status poll) must not interleave its bytes or pin
 * writes with a job already going to the same printer.
 */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
