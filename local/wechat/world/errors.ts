export type StandInErrorCode =
  | 'UNKNOWN_APP'
  | 'UNKNOWN_USER'
  | 'UNKNOWN_CHAT'
  | 'UNKNOWN_CARD'
  | 'NOT_IN_CHAT'
  | 'ALREADY_EXISTS'
  | 'INVALID_ARGUMENT'
  | 'INVALID_SNAPSHOT'

/** Misuse of the stand-in (as opposed to a platform error, which is returned as a value). */
export class StandInError extends Error {
  readonly code: StandInErrorCode

  constructor(code: StandInErrorCode, message: string) {
    super(message)
    this.name = 'StandInError'
    this.code = code
  }
}
