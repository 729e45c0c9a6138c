import Foundation
import HeraldCore

/// Where the SIEM connector manifests are: `siem.connectors_dir` when set, else `share/herald/connectors` beside
/// the binary's directory (`make install` puts them there), else `connectors/` in the working directory (a
/// checkout).
enum ConnectorsDirectory {
    static func resolve(configured: String) -> String {
        if !configured.isEmpty { return configured }
        var candidates: [String] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(
                executable.deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("share/herald/connectors").path)
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/connectors")
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates.last ?? "connectors"
    }

    /// The catalogue of the resolved directory. - Throws: naming the directory and what is wrong with it.
    static func load(configured: String) throws -> SiemConnectorCatalogue {
        try SiemConnectorCatalogue.load(directory: resolve(configured: configured))
    }
}
