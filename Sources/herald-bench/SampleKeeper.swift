import Foundation
import NIOCore
import Synchronization

/// Keeps the heaviest request (or message) seen so far in a file, for the driver's raw-rate baselines: offered
/// bodies are written only when they outweigh the last one written, so a handful of writes per run.
final class SampleKeeper: Sendable {
    private let heaviest = Mutex(0)

    func offer(_ bytes: ByteBuffer, weight: Int, to file: String) {
        let write = heaviest.withLock { current -> Bool in
            guard weight > current else { return false }
            current = weight
            return true
        }
        guard write else { return }
        let temporary = file + ".tmp"
        let data = Data(bytes.readableBytesView)
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            _ = rename(temporary, file)
        } catch {
            FileHandle.standardError.write(Data("cannot write the sample to \(file): \(error)\n".utf8))
        }
    }
}
