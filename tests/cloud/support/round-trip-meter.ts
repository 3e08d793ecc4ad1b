// Counts round trips: holds every request (database and open API) and releases them in waves once
// the event loop is idle, so a wave is one sequential step and a held request is one call.
import type {
  CallerContext,
  OpenDataResult,
  WeChatOpenApi,
} from '../../../cloudfunctions/core/ports'
import type { CloudDbStandin, WireCall } from './cloud-db-standin'

export interface RoundTrips<T> {
  result: T
  /** Requests made: database calls plus open-API calls. */
  calls: number
  /** Waves: the longest chain of requests that had to run one after another. */
  steps: number
  /** What each wave held, e.g. `getDocument lb_rounds`. */
  waves: string[][]
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))
/** Event-loop turns without a new request before the pending ones count as one wave. */
const QUIET_TURNS = 5

export class RoundTripMeter {
  private held: Array<{ label: string; release: () => void }> = []
  private requests = 0
  private metering = false

  constructor(standin: CloudDbStandin) {
    standin.interceptor = (call: WireCall) =>
      this.hold(`${call.action.replace('database.', '')} ${call.collection}`)
  }

  /** Holds one request while metering; passes it through otherwise (seeding, warm-up). */
  hold(label: string): Promise<void> | undefined {
    if (!this.metering) return undefined
    this.requests++
    return new Promise<void>((release) => this.held.push({ label, release }))
  }

  /** An open API whose calls are requests of the meter too (getOpenData is a round trip). */
  wrapOpenApi(api: WeChatOpenApi): WeChatOpenApi {
    return {
      getOpenData: async (cloudID: string, caller: CallerContext): Promise<OpenDataResult> => {
        await this.hold('getOpenData')
        return api.getOpenData(cloudID, caller)
      },
      code2Session: async (code, caller) => {
        await this.hold('code2Session')
        return api.code2Session(code, caller)
      },
    }
  }

  async measure<T>(run: () => Promise<T>): Promise<RoundTrips<T>> {
    if (this.metering) throw new Error('one measurement at a time')
    this.metering = true
    this.requests = 0
    const waves: string[][] = []
    let settled = false
    const outcome = run().finally(() => (settled = true))
    outcome.catch(() => undefined)
    try {
      for (;;) {
        let quiet = 0
        let seen = this.requests
        while (quiet < QUIET_TURNS && !settled) {
          await turn()
          quiet = this.requests === seen ? quiet + 1 : 0
          seen = this.requests
        }
        if (this.held.length === 0) {
          if (settled) break
          throw new Error('the measured call is waiting on something other than a request')
        }
        const wave = this.held
        this.held = []
        waves.push(wave.map((request) => request.label))
        for (const request of wave) request.release()
      }
      return { result: await outcome, calls: this.requests, steps: waves.length, waves }
    } finally {
      this.metering = false
    }
  }
}
