/**
 * Holds answers of the simulated host until the test releases them, so a race is replayed in the
 * order the test chooses — never by timing. The request itself goes out when the app makes it (the
 * cloud function runs then, on the data of that moment); only its answer waits.
 *
 *   const held = gate.hold('enterGroup')        // the next enterGroup call
 *   …                                           // the member acts
 *   await held.arrived                          // the app has sent it
 *   await held.release()                        // its answer reaches the app now
 *
 * Names are cloud actions (`enterGroup`, `getRanking`, `submitScore`, …) and wx APIs
 * (`getGroupEnterInfo`, `getShareInfo`, `login`); `match` narrows a hold to one request.
 */

export interface GateRequest {
  name: string
  /** The cloud call's `data`, or the wx API's options. */
  input: Record<string, unknown>
}

export interface Held {
  readonly name: string
  /** Resolves with the request once the app has made it. */
  readonly arrived: Promise<GateRequest>
  /** Delivers the answer the host produced, then lets the app run until it is idle again. */
  release(): Promise<void>
  /** Delivers a transport failure instead (the request may or may not have reached the server). */
  fail(error?: { errCode: number; errMsg: string }): Promise<void>
}

export interface Gate {
  hold(name: string, match?: (request: GateRequest) => boolean): Held
  /** Whether a hold waits for a request of this name. */
  wants(name: string): boolean
  /** Wraps one host answer: held when a hold matches, passed through otherwise. */
  pass<T>(request: GateRequest, answer: () => Promise<T>): Promise<T>
  /** Holds not yet reached by a request (a test that ends with any has a wrong script). */
  pending(): string[]
}

/** Lets every queued promise continuation and zero-delay task run: the app settles, no clock. */
export async function settle(rounds = 20): Promise<void> {
  for (let round = 0; round < rounds; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}

interface Slot {
  name: string
  match: (request: GateRequest) => boolean
  taken: boolean
  arrive(request: GateRequest): void
  gate: Promise<'release' | { errCode: number; errMsg: string }>
  open(outcome: 'release' | { errCode: number; errMsg: string }): void
}

export function createGate(): Gate {
  const slots: Slot[] = []

  return {
    hold(name, match = () => true) {
      let arrive!: (request: GateRequest) => void
      let open!: Slot['open']
      const arrived = new Promise<GateRequest>((resolve) => {
        arrive = resolve
      })
      const gate = new Promise<'release' | { errCode: number; errMsg: string }>((resolve) => {
        open = resolve
      })
      const slot: Slot = { name, match, taken: false, arrive, gate, open }
      slots.push(slot)
      const deliver = async (outcome: 'release' | { errCode: number; errMsg: string }) => {
        if (!slot.taken) throw new Error(`${name} was held but never requested by the app`)
        slot.open(outcome)
        await settle()
      }
      return {
        name,
        arrived,
        release: () => deliver('release'),
        fail: (error = { errCode: -1, errMsg: `${name}:fail network timeout` }) => deliver(error),
      }
    },

    wants(name) {
      return slots.some((slot) => !slot.taken && slot.name === name)
    },

    async pass(request, answer) {
      const slot = slots.find(
        (candidate) =>
          !candidate.taken && candidate.name === request.name && candidate.match(request),
      )
      if (slot === undefined) return answer()
      slot.taken = true
      // The host works on the request now; the app hears back when the test says so.
      const produced = answer().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      )
      slot.arrive(request)
      const outcome = await slot.gate
      if (outcome !== 'release') throw outcome
      const result = await produced
      if (!result.ok) throw result.error
      return result.value
    },

    pending() {
      return slots.filter((slot) => !slot.taken).map((slot) => slot.name)
    },
  }
}
