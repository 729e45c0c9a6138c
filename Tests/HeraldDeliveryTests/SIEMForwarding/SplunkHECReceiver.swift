import Foundation
import HeraldCore
import Synchronization
import Testing

/// A receiver that behaves as Splunk's HTTP Event Collector documents: `POST /services/collector/event` with
/// `Authorization: Splunk <token>`, a gzip or plain body of concatenated event envelopes, answers
/// `{"text":"Success","code":0}`, and the documented errors: 403 code 4 "Invalid token", 400 code 6 "Invalid data
/// format" (a body holding an event it cannot take), 400 code 7 "Incorrect index", 503 code 9 "Server is busy"
/// with `Retry-After`, 413 over its size limit.
final class SplunkHECReceiver: Sendable {
    enum Mode: Sendable {
        case normal
        /// 503 code 9 with `Retry-After: seconds`.
        case busy(retryAfter: Int)
        /// Every request answered 400 code 7.
        case incorrectIndex
    }

    let token: String
    /// Bodies (uncompressed) larger than this answer 413.
    let maxBodyBytes: Int
    /// An event whose `event` JSON contains this text makes its request 400 code 6.
    let poison: String
    /// Indexer acknowledgement: off (no ack ids), or each batch's ack id becomes true after that many polls
    /// (nil: never).
    enum Acknowledgement: Sendable {
        case off
        case afterPolls(Int?)
    }

    private let state = Mutex<(mode: Mode, accepted: [[String: JSONValue]], bodies: [[UInt8]])>((.normal, [], []))
    private let acks = Mutex<(mode: Acknowledgement, next: Int, polls: [Int: Int], channels: Set<String>)>((.off, 0, [:], []))

    func acknowledge(_ mode: Acknowledgement) { acks.withLock { $0.mode = mode } }
    /// The channels requests came on.
    var channels: Set<String> { acks.withLock { $0.channels } }
    private let receiver: TestReceiver

    var url: String { "http://\(receiver.host):\(receiver.port)" }
    var requests: [TestReceiver.Request] { receiver.received }
    /// Envelopes of the requests answered with success, in order.
    var accepted: [[String: JSONValue]] { state.withLock { $0.accepted } }

    func set(_ mode: Mode) { state.withLock { $0.mode = mode } }

    private init(token: String, maxBodyBytes: Int, poison: String, receiver: TestReceiver) {
        self.token = token
        self.maxBodyBytes = maxBodyBytes
        self.poison = poison
        self.receiver = receiver
    }

    static func start(token: String = "hec-token", maxBodyBytes: Int = 1_000_000, poison: String = "POISON")
        async throws -> SplunkHECReceiver
    {
        let box = Mutex<SplunkHECReceiver?>(nil)
        let receiver = try await TestReceiver.start { request, _ in
            box.withLock { $0 }?.answer(request) ?? .hang
        }
        let hec = SplunkHECReceiver(token: token, maxBodyBytes: maxBodyBytes, poison: poison, receiver: receiver)
        box.withLock { $0 = hec }
        return hec
    }

    func stop() async { await receiver.stop() }

    private func reply(_ status: Int, _ code: Int, _ text: String, headers: [(String, String)] = []) -> TestReceiver.Reply {
        .respond(status: status, headers: headers + [("Content-Type", "application/json")], body: #"{"text":"\#(text)","code":\#(code)}"#)
    }

    private func answer(_ request: TestReceiver.Request) -> TestReceiver.Reply {
        if request.method == "POST", request.path == "/services/collector/ack" {
            return acknowledgement(request)
        }
        guard request.method == "POST", request.path == "/services/collector/event" else {
            return reply(404, 404, "The requested URL was not found on this server.")
        }
        guard let authorization = request.headers["authorization"] else { return reply(401, 2, "Token is required") }
        guard authorization == "Splunk \(token)" else { return reply(403, 4, "Invalid token") }
        let mode = state.withLock { $0.mode }
        switch mode {
        case .busy(let seconds): return reply(503, 9, "Server is busy", headers: [("Retry-After", "\(seconds)")])
        case .incorrectIndex: return reply(400, 7, "Incorrect index")
        case .normal: break
        }
        guard let body = try? ReceivedBody.bytes(request) else { return reply(400, 6, "Invalid data format") }
        guard body.count <= maxBodyBytes else { return reply(413, 413, "Content Too Large") }
        guard let envelopes = try? ReceivedBody.concatenatedObjects(body), !envelopes.isEmpty else {
            return reply(400, 5, "No data")
        }
        for envelope in envelopes {
            guard envelope["event"] != nil else { return reply(400, 12, "Event field is required") }
            let text = String(decoding: (envelope["event"] ?? .null).serialized(), as: UTF8.self)
            if text.contains(poison) { return reply(400, 6, "Invalid data format") }
        }
        let ackMode = acks.withLock { $0.mode }
        if case .afterPolls = ackMode {
            guard let channel = request.headers["x-splunk-request-channel"], !channel.isEmpty else {
                return reply(400, 10, "Data channel is missing")
            }
            let id = acks.withLock { state -> Int in
                state.channels.insert(channel)
                state.next += 1
                state.polls[state.next] = 0
                return state.next
            }
            state.withLock {
                $0.accepted += envelopes
                $0.bodies.append(body)
            }
            return .respond(
                status: 200, headers: [("Content-Type", "application/json")],
                body: #"{"text":"Success","code":0,"ackId":\#(id)}"#)
        }
        state.withLock {
            $0.accepted += envelopes
            $0.bodies.append(body)
        }
        return reply(200, 0, "Success")
    }

    /// `POST /services/collector/ack {"acks":[ids]}` → `{"acks":{"id":bool}}`.
    private func acknowledgement(_ request: TestReceiver.Request) -> TestReceiver.Reply {
        guard request.headers["authorization"] == "Splunk \(token)" else { return reply(403, 4, "Invalid token") }
        guard request.headers["x-splunk-request-channel"] != nil else { return reply(400, 10, "Data channel is missing") }
        guard case .object(let object)? = try? JSONValue.parse(Array(request.body)), case .array(let ids)? = object["acks"]
        else { return reply(400, 6, "Invalid data format") }
        let answers = acks.withLock { state -> [String] in
            ids.compactMap { value -> String? in
                guard case .number(let number) = value else { return nil }
                let id = Int(number)
                state.polls[id, default: 0] += 1
                var done = false
                if case .afterPolls(let needed?) = state.mode { done = (state.polls[id] ?? 0) >= needed }
                return "\"\(id)\":\(done)"
            }
        }
        return .respond(
            status: 200, headers: [("Content-Type", "application/json")], body: #"{"acks":{\#(answers.joined(separator: ","))}}"#)
    }
}
