/// Why a mail message cannot be built or rendered: the input at fault (`from`, `to`, `subject`,
/// `headers`…) and what is wrong with it, in words that can go back to the caller in a 400.
public struct MailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input that holds the bad value, as the caller named it (`to`, `reply_to`, `subject`…).
    public var field: String
    /// What is wrong, without repeating the value.
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
