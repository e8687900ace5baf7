/** Test helper: the error of class `type` that `run` throws; any other outcome fails the test. */
export function thrown<E extends Error>(type: abstract new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`no ${type.name} was thrown`);
}
