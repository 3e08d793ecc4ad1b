/** Reads the ranking as a user sees it (podium and rows), ordered by rank. */
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
  const rows = page.findAll('ranking-row').map((row) => ({
    rank: Number(read(row, 'ranking-row__rank')),
    name: read(row, 'ranking-row__name'),
    score: Number(read(row, 'ranking-row__score')),
  }))
  return [...podium, ...rows].sort((a, b) => a.rank - b.rank)
}
