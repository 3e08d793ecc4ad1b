/** Reads the ranking as a user sees it (podium and rows), ordered by rank. */
import type { RenderedPage } from './weapp-harness'

export interface ShownRow {
  rank: number
  name: string
  score: number
}

export function readRanking(page: RenderedPage): ShownRow[] {
  // Built-in nodes live in the page's tree, so read their children through the DOM, where
  // miniprogram-simulate prefixes every class with the page's tag name (`main--`).
  const text = (node: { dom: HTMLElement }, className: string): string =>
    (node.dom.querySelector(`[class~="main--${className}"]`)?.textContent ?? '').trim()
  const podium = page.component.querySelectorAll('.podium__place').map((place) => ({
    rank: Number(text(place, 'podium__rank')),
    name: text(place, 'podium__name'),
    score: Number(text(place, 'podium__score')),
  }))
  const rows = page.component.querySelectorAll('.ranking-row').map((row) => ({
    rank: Number(text(row, 'ranking-row__rank')),
    name: text(row, 'ranking-row__name'),
    score: Number(text(row, 'ranking-row__score')),
  }))
  return [...podium, ...rows].sort((a, b) => a.rank - b.rank)
}
