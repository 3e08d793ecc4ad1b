// Seam: React components (src/components) rendered in jsdom with Taro components as host elements.
import { fireEvent, render, screen } from '@testing-library/react'

import { AVATAR_FALLBACK } from '../../src/components/avatar'
import { RankingRowView } from '../../src/components/ranking-row'

test('a row shows rank, name and score, and a broken avatar falls back', () => {
  render(
    <RankingRowView
      row={{
        rank: 4,
        memberKey: 'k',
        nickname: null,
        avatarUrl: 'https://bad/a.png',
        score: 77,
        isMe: true,
      }}
    />,
  )
  expect(screen.getByText('4')).toBeTruthy()
  expect(screen.getByText('群成员')).toBeTruthy()
  expect(screen.getByText('77')).toBeTruthy()
  const image = document.querySelector('img')!
  expect(image.getAttribute('src')).toBe('https://bad/a.png')
  fireEvent.error(image)
  expect(document.querySelector('img')!.getAttribute('src')).toBe(AVATAR_FALLBACK)
})
