/**
 * Reads the ranking as a user sees it (podium and rows), ordered by rank; the bottom bar's copy of
 * the member's own row is read apart (`readBottomBar`).
 */
import { findAll, type RenderedPage } from './weapp-harness'

export interface ShownRow {
  rank: number
  name: string
  score: number
}

function read(element: Element, className: string): string {
  return (findAll(element, className)[0]?.textContent ?? '').trim()
}

export function readRanking(page: RenderedPage): ShownRow[] {
  const podium = page.findAll('podium__place').map((place) => ({
    rank: Number(read(place, 'podium__rank')),
    name: read(place, 'podium__name'),
    score: Number(read(place, 'podium__score')),
  }))
  const rows = page
    .findAll('ranking-row')
    .filter((row) => !isPinned(row))
    .map((row) => ({
      rank: Number(read(row, 'ranking-row__rank')),
      name: read(row, 'ranking-row__name'),
      score: Number(read(row, 'ranking-row__score')),
    }))
  return [...podium, ...rows].sort((a, b) => a.rank - b.rank)
}

function isPinned(row: Element): boolean {
  return Array.from(row.classList).some((token) => token.endsWith('ranking-row--pinned'))
}

/** The bottom bar: the member's own row when it shows one, and the two actions' labels. */
export function readBottomBar(page: RenderedPage): { me: ShownRow | null; actions: string[] } {
  const bar = page.findAll('bottom-bar')[0]
  if (!bar) return { me: null, actions: [] }
  const pinned = findAll(bar, 'ranking-row').find(isPinned)
  const me = pinned
    ? {
        rank: Number(read(pinned, 'ranking-row__rank')),
        name: read(pinned, 'ranking-row__name'),
        score: Number(read(pinned, 'ranking-row__score')),
      }
    : null
  const actions = findAll(bar, 'bottom-bar__action').map((button) =>
    (button.textContent ?? '').trim(),
  )
  return { me, actions }
}
