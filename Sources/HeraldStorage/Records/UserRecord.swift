import Foundation
import GRDB
import HeraldCore

/// A row of `users`.
struct UserRecord: SnakeCaseRecord {
    static let databaseTableName = "users"

    var id: String
    var email: String
    var isPlatformOwner: Bool
    var isService: Bool
    var jwtIssuer: String?
    var jwtSubject: String?
    var createdAt: Int64

    init(
        id: String = Identifier.make(), email: String, isPlatformOwner: Bool = false, isService: Bool = false,
        jwtIssuer: String? = nil, jwtSubject: String? = nil, createdAt: Date
    ) {
        self.id = id
        self.email = email.lowercased()
        self.isPlatformOwner = isPlatformOwner
        self.isService = isService
        self.jwtIssuer = jwtIssuer
        self.jwtSubject = jwtSubject
        self.createdAt = createdAt.millisecondsSince1970
    }

    /// Decodes by column name (faster than `Decodable` on the list paths).
    init(row: Row) throws {
        id = row["id"]
        email = row["email"]
        isPlatformOwner = row["is_platform_owner"]
        isService = row["is_service"]
        jwtIssuer = row["jwt_issuer"]
        jwtSubject = row["jwt_subject"]
        createdAt = row["created_at"]
    }

    var model: User {
        User(
            id: id, email: email, isPlatformOwner: isPlatformOwner, isService: isService,
            createdAt: Date(millisecondsSince1970: createdAt))
    }
}

/// A row of `mfa_status`: a user's MFA state as the SSO core's events report it.
struct MFAStatusRecord: SnakeCaseRecord {
    static let databaseTableName = "mfa_status"

    var userId: String
    var enabled: Bool
    var hasBackupCodes: Bool
    var updatedAt: Int64

    var model: MFAStatus { MFAStatus(enabled: enabled, hasBackupCodes: hasBackupCodes) }
}
