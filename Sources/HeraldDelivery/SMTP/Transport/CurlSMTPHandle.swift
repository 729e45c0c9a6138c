import CCurl
import Synchronization

/// One libcurl easy handle set up for one ``SMTPServer``.
///
/// Curl keeps the handle's connection open after a transfer and sends QUIT only when the handle is cleaned
/// up (``close()``), so the next transaction on the same handle goes over the same connection. Every method
/// blocks (network I/O): call them on a thread pool, never on the async executor.
final class CurlSMTPHandle: Sendable {
    /// The curl state; a curl handle must not be used by two threads at once, which the mutex guarantees.
    private struct Easy {
        var handle: UnsafeMutableRawPointer?
        let errorBuffer: UnsafeMutablePointer<CChar>
        /// The `CURLOPT_RESOLVE` list: curl reads it at every transfer, so it lives as long as the handle.
        var resolve: UnsafeMutablePointer<curl_slist>?
    }

    let server: SMTPServer
    private let easy: Mutex<Easy>

    /// Creates and configures the handle: URL, TLS, credentials, timeouts, callbacks.
    ///
    /// - Parameter sessionCheck: instead of sending mail, set the session up (greeting, EHLO, STARTTLS,
    ///   AUTH) and send NOOP, for ``SMTPTransport/verify(_:)``. (Not CURLOPT_CONNECT_ONLY: curl drops such a
    ///   connection without QUIT.)
    /// - Throws: ``CurlSetupError`` when curl cannot make a handle or refuses an option.
    init(server: SMTPServer, sessionCheck: Bool = false) throws(CurlSetupError) {
        guard CurlLibrary.isInitialized, let handle = curl_easy_init() else {
            throw CurlSetupError(message: "libcurl could not create a handle")
        }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var resolve: UnsafeMutablePointer<curl_slist>?
        do throws(CurlSetupError) {
            if let entry = server.curlResolveEntry {
                guard let list = curl_slist_append(nil, entry) else {
                    throw CurlSetupError(message: "out of memory for the pinned addresses of \(server.host)")
                }
                resolve = list
                let code = herald_curl_setopt_pointer(handle, CURLOPT_RESOLVE, list)
                guard code == CURLE_OK else {
                    throw CurlSetupError(message: "libcurl refused the pinned addresses of \(server.host): \(String(cString: curl_easy_strerror(code)))")
                }
            }
            try Self.configure(handle, for: server, sessionCheck: sessionCheck, errorBuffer: errorBuffer)
        } catch {
            curl_easy_cleanup(handle)
            errorBuffer.deallocate()
            if let resolve { curl_slist_free_all(resolve) }
            throw error
        }
        self.server = server
        self.easy = Mutex(Easy(handle: handle, errorBuffer: errorBuffer, resolve: resolve))
    }

    deinit {
        close()
    }

    /// One transaction: MAIL FROM, RCPT TO, DATA with `message` (curl dot-stuffs it and ends it with `.`).
    ///
    /// A reused connection that the server had already closed fails before any reply; then the transaction
    /// runs once more on a new connection (the server cannot have seen the message).
    ///
    /// - Returns: the outcome, and how many new connections curl opened for it (0 when it reused one).
    func send(_ message: [UInt8], from envelopeFrom: String, to recipient: String) -> (SMTPOutcome, Int) {
        easy.withLock { easy -> (SMTPOutcome, Int) in
            guard let handle = easy.handle else {
                return (.transient(nil, "the SMTP connection to \(server) is closed"), 0)
            }
            guard let recipients = curl_slist_append(nil, recipient) else {
                return (.transient(nil, "out of memory"), 0)
            }
            defer { curl_slist_free_all(recipients) }
            var opened = 0
            var attempt = 0
            while true {
                attempt += 1
                let transcript = SMTPTranscript(message: message)
                let code = Self.perform(handle, transcript, errorBuffer: easy.errorBuffer) { handle in
                    var code = herald_curl_setopt_string(handle, CURLOPT_MAIL_FROM, envelopeFrom)
                    if code == CURLE_OK { code = herald_curl_setopt_pointer(handle, CURLOPT_MAIL_RCPT, recipients) }
                    if code == CURLE_OK { code = herald_curl_setopt_long(handle, CURLOPT_INFILESIZE, message.count) }
                    return code
                }
                _ = herald_curl_setopt_pointer(handle, CURLOPT_MAIL_RCPT, nil)  // the list is freed on return
                let new = Self.newConnections(handle)
                opened += new
                let stale = new == 0 && transcript.exchanges.isEmpty
                    && [CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR].contains(code)
                if stale && attempt == 1 { continue }
                let outcome = SMTPOutcome(
                    curlCode: code, transcript: transcript, detail: Self.detail(code, easy.errorBuffer),
                    server: server, recipient: recipient)
                return (outcome, opened)
            }
        }
    }

    /// Sets a session up on a new connection (greeting, EHLO, STARTTLS, AUTH, NOOP), reports what happened
    /// and closes it (QUIT).
    static func verify(_ server: SMTPServer) -> SMTPVerifyResult {
        let handle: CurlSMTPHandle
        do { handle = try CurlSMTPHandle(server: server, sessionCheck: true) } catch {
            return SMTPVerifyResult(ok: false, message: error.message, reply: nil)
        }
        defer { handle.close() }
        return handle.verify()
    }

    /// Sets the session up (on a handle made with `sessionCheck`) and reports what happened.
    private func verify() -> SMTPVerifyResult {
        easy.withLock { easy -> SMTPVerifyResult in
            guard let handle = easy.handle else {
                return SMTPVerifyResult(ok: false, message: "the SMTP connection to \(server) is closed", reply: nil)
            }
            let transcript = SMTPTranscript()
            let code = Self.perform(handle, transcript, errorBuffer: easy.errorBuffer) { _ in CURLE_OK }
            return SMTPVerifyResult(
                curlCode: code, transcript: transcript, detail: Self.detail(code, easy.errorBuffer), server: server)
        }
    }

    /// Ends the session (QUIT, bounded by the server's timeouts) and frees the handle. Idempotent.
    func close() {
        easy.withLock { easy in
            guard let handle = easy.handle else { return }
            _ = herald_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, nil)
            curl_easy_cleanup(handle)
            easy.handle = nil
            easy.errorBuffer.deallocate()
            if let resolve = easy.resolve { curl_slist_free_all(resolve) }
            easy.resolve = nil
        }
    }

    // MARK: Setup

    private static func configure(
        _ handle: UnsafeMutableRawPointer, for server: SMTPServer, sessionCheck: Bool,
        errorBuffer: UnsafeMutablePointer<CChar>
    ) throws(CurlSetupError) {
        func set(_ option: CURLoption, _ code: CURLcode) throws(CurlSetupError) {
            guard code == CURLE_OK else {
                throw CurlSetupError(message: "libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
            }
        }
        func long(_ option: CURLoption, _ value: Int) throws(CurlSetupError) {
            try set(option, herald_curl_setopt_long(handle, option, value))
        }
        func string(_ option: CURLoption, _ value: String?) throws(CurlSetupError) {
            guard let value else { return }
            try set(option, herald_curl_setopt_string(handle, option, value))
        }
        try set(CURLOPT_ERRORBUFFER, herald_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        try string(CURLOPT_URL, server.curlURL)
        try string(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try long(CURLOPT_NOSIGNAL, 1)  // timeouts without SIGALRM: this runs on many threads
        try long(CURLOPT_MAXCONNECTS, 1)
        try long(CURLOPT_CONNECTTIMEOUT_MS, server.connectTimeout.curlMilliseconds)
        try long(CURLOPT_TIMEOUT_MS, server.totalTimeout.curlMilliseconds)
        // Also bounds the wait for each reply, including QUIT's when the handle is closed.
        try long(CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, server.totalTimeout.curlMilliseconds / 1000))

        switch server.security {
        case .starttls: try long(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .tls: break  // smtps:// in the URL
        case .none: try long(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        }
        try long(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        try long(CURLOPT_SSL_VERIFYPEER, 1)
        try long(CURLOPT_SSL_VERIFYHOST, 2)
        if let caPEM = server.caPEM {
            let bytes = Array(caPEM.utf8)
            try set(CURLOPT_CAINFO_BLOB, herald_curl_setopt_blob(handle, CURLOPT_CAINFO_BLOB, bytes, bytes.count))
        }

        try string(CURLOPT_USERNAME, server.username)
        try string(CURLOPT_PASSWORD, server.password)
        try string(CURLOPT_XOAUTH2_BEARER, server.oauthToken)
        try string(CURLOPT_LOGIN_OPTIONS, server.curlLoginOptions)

        // Every reply line reaches the transcript through the debug callback.
        try long(CURLOPT_VERBOSE, 1)
        try set(CURLOPT_DEBUGFUNCTION, herald_curl_setopt_debug_callback(handle, curlDebugCallback))
        if sessionCheck {
            // Without MAIL_RCPT and upload, curl sends this command and hands its reply to the write callback.
            try string(CURLOPT_CUSTOMREQUEST, "NOOP")
            try set(CURLOPT_WRITEFUNCTION, herald_curl_setopt_io_callback(handle, CURLOPT_WRITEFUNCTION, curlDiscardCallback))
        } else {
            try long(CURLOPT_UPLOAD, 1)
            try set(CURLOPT_READFUNCTION, herald_curl_setopt_io_callback(handle, CURLOPT_READFUNCTION, curlReadCallback))
        }
    }

    /// Runs one transfer with `transcript` behind the read and debug callbacks, after `prepare` set the
    /// transfer's options; no pointer to the transcript is left in the handle afterwards.
    private static func perform(
        _ handle: UnsafeMutableRawPointer, _ transcript: SMTPTranscript, errorBuffer: UnsafeMutablePointer<CChar>,
        prepare: (UnsafeMutableRawPointer) -> CURLcode
    ) -> CURLcode {
        let context = Unmanaged.passUnretained(transcript).toOpaque()
        var code = prepare(handle)
        if code == CURLE_OK { code = herald_curl_setopt_pointer(handle, CURLOPT_READDATA, context) }
        if code == CURLE_OK { code = herald_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, context) }
        if code == CURLE_OK {
            errorBuffer[0] = 0
            code = withExtendedLifetime(transcript) { curl_easy_perform(handle) }
        }
        _ = herald_curl_setopt_pointer(handle, CURLOPT_READDATA, nil)
        _ = herald_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, nil)
        return code
    }

    /// curl's own words for a failure: the error buffer, or the code's generic text.
    private static func detail(_ code: CURLcode, _ errorBuffer: UnsafeMutablePointer<CChar>) -> String {
        guard code != CURLE_OK else { return "" }
        let specific = String(cString: errorBuffer).trimmingSuffix("\n")
        return specific.isEmpty ? String(cString: curl_easy_strerror(code)) : specific
    }

    private static func newConnections(_ handle: UnsafeMutableRawPointer) -> Int {
        var count = 0
        return herald_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &count) == CURLE_OK ? count : 0
    }
}

/// CURLOPT_READFUNCTION: the next bytes of the message of the transcript in CURLOPT_READDATA.
private func curlReadCallback(
    buffer: UnsafeMutablePointer<CChar>?, size: Int, count: Int, userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let userdata else { return 0 }
    return Unmanaged<SMTPTranscript>.fromOpaque(userdata).takeUnretainedValue().read(into: buffer, capacity: size * count)
}

/// CURLOPT_WRITEFUNCTION: drops what curl receives as "data" (the NOOP reply, already in the transcript).
private func curlDiscardCallback(
    buffer: UnsafeMutablePointer<CChar>?, size: Int, count: Int, userdata: UnsafeMutableRawPointer?
) -> Int {
    size * count
}

/// CURLOPT_DEBUGFUNCTION: the lines curl sent and received, into the transcript in CURLOPT_DEBUGDATA.
private func curlDebugCallback(
    handle: UnsafeMutableRawPointer?, type: curl_infotype, data: UnsafeMutablePointer<CChar>?, size: Int,
    userdata: UnsafeMutableRawPointer?
) -> Int32 {
    guard let data, let userdata else { return 0 }
    let transcript = Unmanaged<SMTPTranscript>.fromOpaque(userdata).takeUnretainedValue()
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size)
    switch type {
    case CURLINFO_HEADER_IN: transcript.replyReceived(bytes)
    case CURLINFO_HEADER_OUT: transcript.commandSent(bytes)
    case CURLINFO_TEXT: transcript.noteReceived(bytes)
    default: break
    }
    return 0
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
