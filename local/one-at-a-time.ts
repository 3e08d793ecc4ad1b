/**
 * An async task run one call at a time: a call made while an earlier one runs waits until that
 * one has settled (either way), then runs. The preview's demo seeds use it (two presses of the
 * button must not build two demo groups), and so does the timer loop (a scheduler run never
 * overlaps the previous one).
 */
export interface OneAtATime<T> {
  run(): Promise<T>
  /** Resolves once no call runs or waits: what `close()` waits for. */
  idle(): Promise<void>
}

export function oneAtATime<T>(task: () => Promise<T>): OneAtATime<T> {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    run() {
      const result = tail.then(task)
      tail = result.catch(() => undefined)
      return result
    },
    async idle() {
      let seen: Promise<unknown>
      do {
        seen = tail
        await seen
      } while (seen !== tail)
    },
  }
}
