import Foundation
import HeraldCore
import HeraldStorage

/// The daemon's state directory: the database, the bootstrap key, the master key and the addresses file.
struct StateDirectory {
    let path: String

    /// Creates the directory (mode 0700) when missing.
    init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw HeraldError(.invalidField, "state directory \(path) is not a directory", field: "state_dir")
            }
        } else {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    var databasePath: String { path + "/herald.sqlite" }
    var addressesPath: String { path + "/addresses.json" }
    var bootstrapKeyPath: String { path + "/bootstrap-admin-key" }

    /// Opens the database (not yet migrated).
    func openDatabase(synchronous: String) throws -> SQLiteDatabase {
        try SQLiteDatabase(path: databasePath, synchronous: synchronous.uppercased())
    }

    /// Writes a file readable by its owner only (0600), atomically.
    func writePrivate(_ contents: String, to file: String) throws {
        let temporary = file + ".tmp"
        FileManager.default.createFile(
            atPath: temporary, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600])
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary)
        guard rename(temporary, file) == 0 else {
            throw HeraldError(.internalError, "cannot write \(file): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `{"public":"http://…","admin":"http://…"}`.
    func writeAddresses(public publicURL: String, admin adminURL: String) throws {
        let json = "{\"public\":\"\(publicURL)\",\"admin\":\"\(adminURL)\"}\n"
        try writePrivate(json, to: addressesPath)
    }
}
