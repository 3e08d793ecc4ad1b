// Seam: the declared CloudBase indexes (one JSON file) against cloudfunctions/README.md and the adapter.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { COLLECTIONS } from '../../cloudfunctions/adapters/cloudbase-store'
import { readIndexFile } from './support/cloud-db-standin'

const README = join(__dirname, '../../cloudfunctions/README.md')

/** The README's table rows, cell by cell (Prettier pads them; the padding is not content). */
function readmeRows(): string[][] {
  const text = readFileSync(README, 'utf8')
  const section = /<!-- database-indexes:[^>]*-->([\s\S]*?)<!-- \/database-indexes -->/.exec(text)
  if (!section) throw new Error('cloudfunctions/README.md lacks the database-indexes section')
  return section[1]!
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
}

function render(index: Record<string, number>): string {
  return `\`{ ${Object.entries(index)
    .map(([key, direction]) => `${key}: ${direction}`)
    .join(', ')} }\``
}

describe('declared CloudBase indexes', () => {
  const declared = readIndexFile()

  it('are the table in cloudfunctions/README.md', () => {
    const expected = Object.entries(declared.collections).map(([name, { id, indexes }]) => [
      `\`lb_${name}\``,
      id.includes(' ') ? id : `\`${id}\``,
      indexes.length === 0 ? '(`_id` only)' : indexes.map(render).join(', '),
    ])

    expect(readmeRows()).toEqual(expected)
  })

  it('cover exactly the collections the adapter uses', () => {
    expect(Object.keys(declared.collections).sort()).toEqual(Object.values(COLLECTIONS).sort())
  })
})
