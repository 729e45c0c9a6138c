/// What one curl transfer said and heard, filled in by curl's callbacks on the thread that runs the transfer.
///
/// It holds the message being uploaded (for the read callback) and, from the debug callback, the server's
/// replies with the step each one answers. Outgoing lines are reduced to their verb at once: AUTH lines carry
/// credentials and are never kept.
final class SMTPTranscript {
    /// One server reply and the step it answers.
    struct Exchange {
        var command: SMTPCommand
        var reply: SMTPReply
    }

    private let message: [UInt8]
    private var offset = 0
    private(set) var exchanges: [Exchange] = []
    /// Every step curl started in this transfer.
    private(set) var sent: Set<SMTPCommand> = []
    /// The step in progress: the last command sent (the greeting before any), QUIT excepted.
    var step: SMTPCommand { current == .quit ? stepBeforeQuit : current }
    private var current: SMTPCommand = .greeting
    private var stepBeforeQuit: SMTPCommand = .greeting
    /// curl's last informational lines (CURLINFO_TEXT), e.g. why a connect failed.
    private(set) var notes: [String] = []
    /// Whether curl said it had a TCP connection (so a silent server is not a connect failure).
    private(set) var connected = false
    private var pendingLines: [String] = []
    private var partialLine: [UInt8] = []

    init(message: [UInt8] = []) {
        self.message = message
    }

    /// The last reply before any QUIT, and the step it answered.
    var last: Exchange? { exchanges.last { $0.command != .quit } }

    /// The last reply before any QUIT, when it refused something (4xx or 5xx). curl closes the connection
    /// (QUIT, 221) after most refusals, within the same transfer.
    var lastRefusal: Exchange? {
        guard let last, last.reply.code >= 400 else { return nil }
        return last
    }

    /// The AUTH mechanisms of the last EHLO reply (`AUTH LOGIN PLAIN` → `["LOGIN", "PLAIN"]`).
    var offeredMechanisms: [String] {
        guard let ehlo = reply(to: .ehlo) else { return [] }
        for line in ehlo.text.split(separator: "\n") where line.uppercased().hasPrefix("AUTH ") || line.uppercased().hasPrefix("AUTH=") {
            return line.dropFirst(5).split(separator: " ").map { $0.uppercased() }
        }
        return []
    }

    /// The last reply to `command`.
    func reply(to command: SMTPCommand) -> SMTPReply? {
        exchanges.last { $0.command == command }?.reply
    }

    // MARK: curl callbacks

    /// Copies the next bytes of the message into curl's buffer; 0 at the end.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, message.count - offset)
        guard count > 0 else { return 0 }
        message.withUnsafeBufferPointer { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

    /// A command line that curl sent (CURLINFO_HEADER_OUT).
    func commandSent(_ bytes: UnsafeBufferPointer<UInt8>) {
        // The lines after `AUTH x` that answer a 334 challenge are the rest of the AUTH exchange.
        if current == .auth, exchanges.last?.reply.code == 334 { return }
        let command = SMTPCommand(commandLine: bytes)
        if command == .quit && current != .quit { stepBeforeQuit = current }
        current = command
        sent.insert(command)
    }

    /// An informational line of curl's (CURLINFO_TEXT); only the last few are kept.
    func noteReceived(_ bytes: UnsafeBufferPointer<UInt8>) {
        var text = String(decoding: bytes.prefix(300), as: UTF8.self)
        while text.last?.isNewline == true { text.removeLast() }
        if text.hasPrefix("Connected to ") { connected = true }
        if notes.count == 8 { notes.removeFirst() }
        notes.append(text)
    }

    /// Bytes of server reply lines (CURLINFO_HEADER_IN), one line or several per call.
    func replyReceived(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes {
            if byte == 0x0A {
                line(partialLine.last == 0x0D ? partialLine.dropLast() : partialLine[...])
                partialLine.removeAll(keepingCapacity: true)
            } else if partialLine.count < 4096 {
                partialLine.append(byte)
            }
        }
    }

    /// One reply line: `250-…` continues a reply, `250 …` ends it.
    private func line(_ bytes: ArraySlice<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        let digits = text.prefix(3)
        guard digits.count == 3, let code = Int(digits) else { return }
        let rest = text.dropFirst(3)
        pendingLines.append(String(rest.dropFirst()))
        guard rest.first != "-" else { return }
        let reply = SMTPReply(code: code, text: pendingLines.joined(separator: "\n"))
        pendingLines.removeAll()
        exchanges.append(Exchange(command: current, reply: reply))
        // After `354 go ahead` curl sends the message; the next reply answers its end.
        if current == .data && code == 354 { current = .message }
    }
}
