// Seam: the storage port on its SQLite adapter (better-sqlite3, temp file in WAL mode).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { openSqliteStore } from '../../cloudfunctions/adapters/sqlite-store'
import { describeStoreContract } from './support/store-contract'

describeStoreContract('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lb-contract-'))
  const store = openSqliteStore({ filename: join(dir, 'store.sqlite') })
  return {
    store,
    dump: () => store.snapshot(),
    close: () => {
      store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})
