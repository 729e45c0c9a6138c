import GRDB
import HeraldCore

/// Turns whatever the database layer throws into a `HeraldError` whose message is safe to show.
enum SQLiteErrors {
    /// A `HeraldError` or `ScimError` passes through; a unique or primary-key violation is `already_exists`; any other
    /// constraint is `conflict`; everything else is `internal_error` with the original as its cause.
    static func map(_ error: any Error) -> any Error {
        if error is HeraldError || error is ScimError || error is CancellationError { return error }
        if let error = error as? DatabaseError {
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
                return HeraldError(.alreadyExists, "A record with these values already exists", cause: error)
            default:
                if error.resultCode == .SQLITE_CONSTRAINT {
                    return HeraldError(.conflict, "The change conflicts with existing records", cause: error)
                }
                if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                    return HeraldError(.unavailable, "storage busy", retryAfter: 1, cause: error)
                }
            }
        }
        return HeraldError(.internalError, "storage error", cause: error)
    }
}
