/**
 * Late answers: every asynchronous action that changes what is on screen takes a ticket from its
 * slot when the member acts; its answer applies only while no later action of the same slot — or
 * of a slot it depends on — has started. Value comparisons (same group id, same period) cannot
 * tell A → B → A apart from A, so only the order of the member's actions decides.
 */
export interface Ticket {
  readonly stamps: ReadonlyMap<string, number>
}

export interface Sequencer<Slot extends string> {
  /** Starts an action of `slot`: every ticket of that slot, and of the slots below it, goes stale. */
  begin(slot: Slot): Ticket
  isCurrent(ticket: Ticket): boolean
}

/**
 * `parents` names the slot each slot depends on, e.g. `{ page: 'list' }`: resetting the list
 * discards every page still in flight, while a page does not disturb the list.
 */
export function createSequencer<Slot extends string>(
  parents: Partial<Record<Slot, Slot>> = {},
): Sequencer<Slot> {
  const counters = new Map<string, number>()
  const lineage = (slot: Slot): Slot[] => {
    const chain: Slot[] = []
    for (let current: Slot | undefined = slot; current !== undefined; current = parents[current]) {
      if (chain.includes(current)) throw new Error(`sequence slots form a cycle at ${current}`)
      chain.push(current)
    }
    return chain
  }
  return {
    begin(slot) {
      counters.set(slot, (counters.get(slot) ?? 0) + 1)
      return { stamps: new Map(lineage(slot).map((name) => [name, counters.get(name) ?? 0])) }
    },
    isCurrent(ticket) {
      for (const [slot, stamp] of ticket.stamps) {
        if ((counters.get(slot) ?? 0) !== stamp) return false
      }
      return true
    },
  }
}
