// The deterministic score plan shared by the concurrency test and its writer processes.

/** The score process `worker` submits for player `player` in round `round`: 0..200, scattered. */
export function writerScore(worker: number, player: number, round: number): number {
  return (worker * 7919 + player * 104729 + round * 1299709) % 201
}
