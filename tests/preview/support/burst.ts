/**
 * A burst of requests against a running preview that SIGKILLs the server at a chosen answer: what
 * was answered before the kill is what the restarted server must still hold.
 */
import type { RunningPreview } from './preview-process'

export interface KillingSender {
  /** Sends one request unless the server was killed; counts its answer and kills at the mark. */
  send<T>(request: () => Promise<T>): Promise<T>
  /** Answers received (the one that triggered the kill included). */
  readonly answers: number
  readonly killed: boolean
  /** Failures before the kill: none is expected. */
  readonly unexpected: unknown[]
}

/** Kills `preview` with SIGKILL as its `killAfter`-th answer arrives. */
export function killAtAnswer(preview: RunningPreview, killAfter: number): KillingSender {
  let answers = 0
  let killed = false
  const unexpected: unknown[] = []
  return {
    async send<T>(request: () => Promise<T>): Promise<T> {
      if (killed) throw new Error('not sent: the server was killed')
      try {
        const result = await request()
        answers += 1
        if (answers === killAfter) {
          killed = true
          preview.child.kill('SIGKILL')
        }
        return result
      } catch (error) {
        // After the kill, requests in flight fail: those were never answered.
        if (!killed) unexpected.push(error)
        throw error
      }
    },
    get answers() {
      return answers
    },
    get killed() {
      return killed
    },
    unexpected,
  }
}

/** Runs `journeys` in order, `concurrency` at a time; a journey cut short by the kill just ends. */
export async function runJourneys(
  journeys: Array<() => Promise<void>>,
  concurrency: number,
): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < journeys.length) await journeys[next++]!().catch(() => undefined)
    }),
  )
}

/** Waits until the wall clock reaches `time` (e.g. the end of a round started earlier). */
export function waitUntil(time: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, time - Date.now()))
}
