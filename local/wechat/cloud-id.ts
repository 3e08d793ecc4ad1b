/**
 * The local `wx.cloud.CloudID(id)`: a marker that tells the function runtime "resolve this open
 * data for the caller". On the real platform only a top-level field of `callFunction` data is
 * replaced by `{ cloudID, data }`; a nested one arrives as the plain id string. The runtime applies
 * exactly that rule to both shapes a marker can take:
 * - in process (tests, the weapp `wx` stub): a `LocalCloudId` instance;
 * - over HTTP (the H5 build talking to the local server): its JSON form `{ $cloudID: id }`.
 *
 * No Node imports here, so the H5 build can bundle this file.
 */

/** The single key of a marker's JSON form. */
export { CLOUD_ID_MARKER_KEY } from '../host-protocol'
import { CLOUD_ID_MARKER_KEY } from '../host-protocol'

export interface CloudIdMarkerJson {
  [CLOUD_ID_MARKER_KEY]: string
}

// A registry symbol rather than `instanceof` alone: the weapp stub and the runtime may load two
// copies of this module (bundled vs. source), and an instance from either must be recognised.
const BRAND = Symbol.for('group-leaderboard.local-wechat.cloud-id')

export class LocalCloudId {
  readonly cloudID: string
  readonly [BRAND] = true

  constructor(cloudID: string) {
    if (typeof cloudID !== 'string' || cloudID === '') {
      // wx.cloud.CloudID throws synchronously on a missing id as well.
      throw new TypeError('CloudID: cloudID must be a non-empty string')
    }
    this.cloudID = cloudID
  }

  /** What crosses the wire; the runtime turns it back into the id or into `{ cloudID, data }`. */
  toJSON(): CloudIdMarkerJson {
    return { [CLOUD_ID_MARKER_KEY]: this.cloudID }
  }
}

export function createCloudId(cloudID: string): LocalCloudId {
  return new LocalCloudId(cloudID)
}

/** True for a `LocalCloudId` (from any copy of this module) or its JSON form, and nothing else. */
export function isCloudIdMarker(value: unknown): value is LocalCloudId | CloudIdMarkerJson {
  if (value === null || typeof value !== 'object') return false
  if ((value as { [BRAND]?: unknown })[BRAND] === true) {
    return typeof (value as { cloudID?: unknown }).cloudID === 'string'
  }
  const keys = Object.keys(value)
  return (
    keys.length === 1 &&
    keys[0] === CLOUD_ID_MARKER_KEY &&
    typeof (value as Record<string, unknown>)[CLOUD_ID_MARKER_KEY] === 'string'
  )
}

/** The id a marker carries, or null when `value` is not a marker. */
export function cloudIdOf(value: unknown): string | null {
  if (!isCloudIdMarker(value)) return null
  return CLOUD_ID_MARKER_KEY in value
    ? (value as CloudIdMarkerJson)[CLOUD_ID_MARKER_KEY]
    : (value as LocalCloudId).cloudID
}
