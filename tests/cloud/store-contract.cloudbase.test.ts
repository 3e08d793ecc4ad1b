// Seam: the storage port on its CloudBase adapter, through the real SDK over the wire stand-in.
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase-store'
import { createCloudDbStandin } from './support/cloud-db-standin'
import { describeStoreContract } from './support/store-contract'

describeStoreContract('CloudBase', () => {
  const db = createCloudDbStandin()
  return { store: createCloudbaseStore(db.db), dump: () => db.dump(), close: () => undefined }
})
