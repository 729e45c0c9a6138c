import NIOPosix

/// Sends mail over SMTP with libcurl: one transaction per recipient, connections reused per server.
///
/// Each ``SMTPServer`` value has its own pool of at most `maxHandlesPerServer` curl handles; a handle keeps
/// its connection open after a transaction, so a burst to one server reuses a few connections instead of
/// reconnecting per message. Handles idle longer than `idleTimeout` are closed (QUIT). The blocking
/// `curl_easy_perform` calls run on a private `NIOThreadPool`, never on the async executor.
///
/// Call ``shutdown()`` before dropping the transport: it waits for the transactions in flight, says QUIT on
/// every connection and stops the threads.
public actor SMTPTransport {
    private let threadPool: NIOThreadPool
    private let maxHandlesPerServer: Int
    private let idleTimeout: Duration
    private var pools: [SMTPServer: SMTPHandlePool] = [:]
    private var isShutDown = false
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    /// Connections opened so far, over all servers (a transaction over a reused connection opens none).
    public private(set) var connectionsOpened = 0
    /// Transactions attempted so far (sends that reached curl).
    public private(set) var transactions = 0

    /// - Parameters:
    ///   - threads: threads that run curl; bounds the transactions in progress over all servers.
    ///   - maxHandlesPerServer: connections kept (and transactions in progress) per SMTP configuration.
    ///   - idleTimeout: how long an unused connection stays open.
    public init(threads: Int = 4, maxHandlesPerServer: Int = 4, idleTimeout: Duration = .seconds(60)) {
        threadPool = NIOThreadPool(numberOfThreads: max(1, threads))
        threadPool.start()
        self.maxHandlesPerServer = max(1, maxHandlesPerServer)
        self.idleTimeout = idleTimeout
    }

    deinit {
        // Without shutdown(): let the threads go (the handles close themselves when freed).
        if !isShutDown { threadPool.shutdownGracefully { _ in } }
    }

    /// One SMTP transaction for one recipient: MAIL FROM `envelopeFrom`, RCPT TO `recipient`, DATA `message`.
    ///
    /// The bytes are sent as given (lines should end in CRLF); curl dot-stuffs lines that start with `.` and
    /// ends the data. An address with a line break, an angle bracket, white space or a control character is
    /// refused without connecting.
    ///
    /// - Parameter envelopeFrom: the reverse path; empty for the null sender `<>`.
    public func send(_ message: [UInt8], from envelopeFrom: String, to recipient: String, via server: SMTPServer) async
        -> SMTPOutcome
    {
        if let problem = SMTPEnvelopeAddress.problem(with: recipient, isRecipient: true) {
            return .refused(problem, isRecipient: true)
        }
        if let problem = SMTPEnvelopeAddress.problem(with: envelopeFrom, isRecipient: false) {
            return .refused(problem, isRecipient: false)
        }
        if let problem = server.configurationProblem {
            return .transient(nil, "not sent: \(problem)")
        }
        let handle: CurlSMTPHandle
        switch await checkOut(server) {
        case .success(let lent): handle = lent
        case .failure(let error): return .transient(nil, "not sent: \(error.message)")
        }
        let outcome: SMTPOutcome
        do {
            let (result, opened) = try await threadPool.runIfActive {
                handle.send(message, from: envelopeFrom, to: recipient)
            }
            outcome = result
            connectionsOpened += opened
            transactions += 1
        } catch is CancellationError {
            outcome = .transient(nil, "not sent: the send was cancelled before the transaction started")
        } catch {
            outcome = .transient(nil, "not sent: the SMTP transport stopped before the transaction started")
        }
        checkIn(handle)
        return outcome
    }

    /// Checks that Herald can log in with `server`: connect, EHLO, STARTTLS (as the security mode says), AUTH
    /// when credentials are given, NOOP, QUIT. Always on a new connection, never one from the pool.
    ///
    /// On failure the message names the cause: a wrong user name or password (the server's 535), no
    /// STARTTLS while it is required, an untrusted certificate (with curl's reason), a refused connection, a
    /// timeout.
    public func verify(_ server: SMTPServer) async -> SMTPVerifyResult {
        if let problem = server.configurationProblem {
            return SMTPVerifyResult(ok: false, message: problem, reply: nil)
        }
        guard !isShutDown else {
            return SMTPVerifyResult(ok: false, message: "the SMTP transport is shut down", reply: nil)
        }
        do {
            return try await threadPool.runIfActive { CurlSMTPHandle.verify(server) }
        } catch {
            return SMTPVerifyResult(ok: false, message: "the SMTP transport stopped before the check started", reply: nil)
        }
    }

    /// Waits for the transactions in flight, closes every connection (QUIT) and stops the threads.
    /// Sends after this (or waiting for a handle) return `.transient`.
    public func shutdown() async {
        guard !isShutDown else { return }
        isShutDown = true
        var handles: [CurlSMTPHandle] = []
        for (server, var pool) in pools {
            for waiter in pool.waiters { waiter.resume(returning: nil) }
            pool.waiters.removeAll()
            handles += pool.idle.map(\.handle)
            pool.idle.removeAll()
            pools[server] = pool
        }
        while pools.values.contains(where: { $0.lent > 0 }) {
            await withCheckedContinuation { drainWaiters.append($0) }
        }
        handles += pools.values.flatMap { $0.idle.map(\.handle) }
        pools.removeAll()
        let closing = handles
        _ = try? await threadPool.runIfActive { closing.forEach { $0.close() } }
        try? await threadPool.shutdownGracefully()
    }

    // MARK: The pool

    /// A handle for `server`: an idle one, a new one while under the bound, else the next one returned.
    private func checkOut(_ server: SMTPServer) async -> Result<CurlSMTPHandle, CurlSetupError> {
        guard !isShutDown else { return .failure(CurlSetupError(message: "the SMTP transport is shut down")) }
        closeExpiredHandles()
        var pool = pools[server] ?? SMTPHandlePool()
        if let idle = pool.idle.popLast() {
            pool.lent += 1
            pools[server] = pool
            return .success(idle.handle)
        }
        if pool.lent < maxHandlesPerServer {
            // curl_easy_init and setopt do no I/O: fine on the actor.
            let handle: CurlSMTPHandle
            do { handle = try CurlSMTPHandle(server: server) } catch { return .failure(error) }
            pool.lent += 1
            pools[server] = pool
            return .success(handle)
        }
        let handed = await withCheckedContinuation { continuation in
            pool.waiters.append(continuation)
            pools[server] = pool
        }
        guard let handed else { return .failure(CurlSetupError(message: "the SMTP transport is shut down")) }
        return .success(handed)
    }

    /// Gives a handle back: to the first send waiting for one, else to the idle list.
    private func checkIn(_ handle: CurlSMTPHandle) {
        let server = handle.server
        guard var pool = pools[server] else { return }
        if !isShutDown, !pool.waiters.isEmpty {
            pool.waiters.removeFirst().resume(returning: handle)
            pools[server] = pool
            return
        }
        pool.lent -= 1
        pool.idle.append(SMTPHandlePool.Idle(handle: handle, since: .now))
        pools[server] = pool
        if isShutDown, !pools.values.contains(where: { $0.lent > 0 }) {
            let waiters = drainWaiters
            drainWaiters.removeAll()
            waiters.forEach { $0.resume() }
        }
    }

    /// Closes idle handles past `idleTimeout` on the thread pool, and forgets servers with nothing left.
    private func closeExpiredHandles() {
        let deadline = ContinuousClock.now - idleTimeout
        var expired: [CurlSMTPHandle] = []
        for server in Array(pools.keys) {
            expired += pools[server]!.expire(before: deadline)
            if pools[server]!.isEmpty { pools[server] = nil }
        }
        guard !expired.isEmpty else { return }
        let closing = expired
        threadPool.submit { _ in closing.forEach { $0.close() } }
    }
}
