// Seam: the storage port on its CloudBase adapter, over the mingo stand-in of the cloud database.
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase-store'
import { createCloudDbStandin } from './support/cloud-db-standin'
import { describeStoreContract } from './support/store-contract'

describeStoreContract('CloudBase', () => {
  const db = createCloudDbStandin()
  return { store: createCloudbaseStore(db), dump: () => db.dump(), close: () => undefined }
})
