/**
 * Fault injection for the DingTalk stand-in: what lets tests make DingTalk's open API fail.
 * - injected failures (`failNext`): the next calls of one path answer a chosen errcode (or its
 *   v1.0 HTTP form);
 * - busy mode (`setBusy`): the next calls, token fetches aside, answer -1 / HTTP 503.
 * In memory only. The open API (open-api.ts) asks here before answering; nothing in this file
 * knows what the calls do.
 */

/** A legacy errcode, or a v1.0 HTTP failure. */
export interface InjectedFailure {
  errcode: number
  /** For v1.0 APIs: the HTTP status to answer instead (401, 403, 400, 503). */
  status?: number
}

/** Token fetches are never made to fail: the open API answers them before asking here. */
const TOKEN_PATH = '/gettoken'

export type DingTalkFaults = ReturnType<typeof createDingTalkFaults>

export function createDingTalkFaults() {
  /** Failures to answer on the next calls of a path, in order. */
  const injected = new Map<string, InjectedFailure[]>()
  let busyCalls = 0

  return {
    /** Answers `errcode` (or its v1.0 form) to the next call(s) of `path`. */
    failNext(path: string, failure: InjectedFailure, times = 1) {
      const queue = injected.get(path) ?? []
      for (let i = 0; i < times; i += 1) queue.push(failure)
      injected.set(path, queue)
    },

    /** Busy mode: the next `calls` API calls (token fetches aside) answer -1 / HTTP 503. */
    setBusy(calls: number) {
      busyCalls = calls
    },

    /** The failure this call of `path` must answer, using it up; null when none is due. */
    take(path: string): InjectedFailure | null {
      if (busyCalls > 0 && path !== TOKEN_PATH) {
        busyCalls -= 1
        return { errcode: -1 }
      }
      const queue = injected.get(path)
      return queue?.shift() ?? null
    },
  }
}
