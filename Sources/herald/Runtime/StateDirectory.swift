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
    var lockPath: String { path + "/herald.lock" }

    /// Takes the state directory's exclusive lock for `herald serve`, held until the process exits (the kernel
    /// drops it even on `kill -9`): one daemon per state directory, so that on start every job lease held by
    /// another owner belongs to a process that has died and can run again at once.
    /// - Throws: when another daemon serves this directory.
    func lockForServing() throws -> ServingLock {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw HeraldError(.internalError, "cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw HeraldError(
                .conflict, "another herald serves \(path) (\(lockPath) is locked); stop it first", field: "state_dir")
        }
        return ServingLock(descriptor: descriptor)
    }

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

/// The open, locked `herald.lock`; closing it (or the process ending) releases the lock.
final class ServingLock: Sendable {
    let descriptor: Int32

    init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }
}
