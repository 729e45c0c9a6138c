/// An event as the events table holds it, for readers that go through many events and use `data` whole: the
/// columns, and the data object still in its stored form.
///
/// The store writes `data` as compact JSON with sorted keys (what `JSONValue.object(data).serialized(sortedKeys:
/// true)` gives), so a reader that sends it as it is (the SIEM forwarder's native schema) copies those bytes
/// instead of parsing and writing them again; a reader that needs the values calls ``parsed()``.
public struct StoredEvent: Sendable, Hashable {
    /// Every column of the event, with `data` empty: its values are in ``dataJSON``.
    public var columns: Event
    /// The stored data object's JSON text.
    public var dataJSON: [UInt8]

    public init(columns: Event, dataJSON: [UInt8]) {
        self.columns = columns
        self.dataJSON = dataJSON
    }

    /// The whole event: `data` parsed from ``dataJSON`` (an unreadable object is empty, as everywhere events are
    /// read).
    public func parsed() -> Event {
        var event = columns
        event.data = (try? JSONValue.parse(dataJSON))?.objectValue ?? [:]
        return event
    }

    /// ``dataJSON`` when it can stand for the data object in a JSON document as it is: an object's text without
    /// surrounding space (what the store writes); nil for anything else, which then goes through ``parsed()``.
    public var spliceableData: [UInt8]? {
        guard dataJSON.count >= 2, dataJSON.first == UInt8(ascii: "{"), dataJSON.last == UInt8(ascii: "}") else {
            return nil
        }
        return dataJSON
    }
}
