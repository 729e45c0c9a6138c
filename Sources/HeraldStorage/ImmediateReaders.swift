import Dispatch
import GRDB
import Synchronization

/// Read-only connections of their own for ``SQLiteStore/readNow(_:)``: short reads that run on the calling
/// thread, without a hop to a reader queue.
///
/// They are kept apart from the pool's readers on purpose. An `async` read of the pool holds its connection until
/// its task resumes on the cooperative thread pool; a synchronous wait for a pool connection blocks one of those
/// threads. With every cooperative thread waiting for a connection and every connection held by a task waiting for
/// a thread, the daemon stops (seen under a SCIM PATCH load: two threads, three readers). These connections are
/// only ever held by synchronous code that never suspends, so a caller waits at most for other callers' reads.
final class ImmediateReaders: Sendable {
    private let path: String
    private let configuration: Configuration
    private let idle = Mutex<[DatabaseQueue]>([])
    private let slots: DispatchSemaphore

    /// - Parameters:
    ///   - path: the database file (in WAL mode, so that these readers never wait for the writer).
    ///   - configuration: the connections' configuration; they are opened read-only.
    ///   - count: the most connections open at once (each with its own page cache).
    init(path: String, configuration: Configuration, count: Int) {
        var readOnly = configuration
        readOnly.readonly = true
        self.path = path
        self.configuration = readOnly
        self.slots = DispatchSemaphore(value: max(1, count))
    }

    /// Runs `body` in a read transaction on one of the connections (opened on first use).
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        let connection = try idle.withLock { $0.popLast() } ?? DatabaseQueue(path: path, configuration: configuration)
        defer { idle.withLock { $0.append(connection) } }
        return try connection.read(body)
    }
}
