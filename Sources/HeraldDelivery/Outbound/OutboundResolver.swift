import Foundation
import HeraldCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves a host name to textual IPv4/IPv6 addresses.
public struct OutboundResolver: Sendable {
    let body: @Sendable (String) async throws -> [String]

    public init(_ body: @escaping @Sendable (_ host: String) async throws -> [String]) {
        self.body = body
    }

    public func resolve(_ host: String) async throws -> [String] {
        try await body(host)
    }

    /// `getaddrinfo` on `NIOThreadPool.singleton`, never on the async executor; an IP literal is
    /// parsed without any lookup. Cancellation answers at once (the lookup itself cannot be interrupted: its
    /// thread finishes it and the answer is dropped), so a resolution bound really bounds the attempt.
    public static let system = OutboundResolver { host in
        let box = ResolutionContinuation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard box.install(continuation) else { return }
                NIOThreadPool.singleton.submit { state in
                    guard case .active = state else {
                        box.resume(with: .failure(HeraldError(.unavailable, "resolver thread pool is not running")))
                        return
                    }
                    box.resume(with: Result { try systemResolve(host) })
                }
            }
        } onCancel: {
            box.resume(with: .failure(CancellationError()))
        }
    }

    static func systemResolve(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            let reason = String(cString: gai_strerror(status))
            throw HeraldError(.outboundRefused, "outbound URL refused: host \(host) does not resolve (\(reason))", field: "url")
        }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry = list
        while let current = entry {
            if let text = numericHost(current.pointee), !addresses.contains(text) { addresses.append(text) }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    static func numericHost(_ info: addrinfo) -> String? {
        guard let address = info.ai_addr else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch info.ai_family {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                var raw = pointer.pointee.sin_addr
                guard inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count)) != nil else { return nil }
                return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                var raw = pointer.pointee.sin6_addr
                guard inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)) != nil else { return nil }
                return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        default:
            return nil
        }
    }
}

/// A continuation resumed exactly once, by the lookup or by cancellation, whichever comes first.
final class ResolutionContinuation: Sendable {
    private struct State {
        var continuation: CheckedContinuation<[String], any Error>?
        var early: Result<[String], any Error>?
        var done = false
    }

    private let state = Mutex(State())

    /// Stores the continuation; false (and resumed) when a result, e.g. cancellation, came first.
    func install(_ continuation: CheckedContinuation<[String], any Error>) -> Bool {
        let early: Result<[String], any Error>? = state.withLock { state in
            if let early = state.early {
                state.done = true
                return early
            }
            state.continuation = continuation
            return nil
        }
        if let early {
            continuation.resume(with: early)
            return false
        }
        return true
    }

    func resume(with result: Result<[String], any Error>) {
        let continuation: CheckedContinuation<[String], any Error>? = state.withLock { state in
            guard !state.done else { return nil }
            guard let continuation = state.continuation else {
                if state.early == nil { state.early = result }
                return nil
            }
            state.done = true
            state.continuation = nil
            return continuation
        }
        continuation?.resume(with: result)
    }
}
