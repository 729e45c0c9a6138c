/// One reply of an SMTP server: its code and its text, e.g. `250` and `2.0.0 Ok: queued as 4C1A2`.
///
/// The text is what follows the code on each line; the lines of a multi-line reply are joined with `\n`.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var text: String

    public init(code: Int, text: String) {
        self.code = code
        self.text = text
    }

    /// `2xx`: the command was accepted.
    public var isPositive: Bool { (200..<400).contains(code) }
    /// `4xx`: refused for now; the same command may succeed later.
    public var isTransient: Bool { (400..<500).contains(code) }
    /// `5xx`: refused; repeating the command will not help.
    public var isPermanent: Bool { (500..<600).contains(code) }

    /// The reply as the server wrote it on one line: `550 5.1.1 no such user`.
    public var description: String { text.isEmpty ? "\(code)" : "\(code) \(text)" }
}
