import Foundation

/// The `openssl` command line, an implementation independent of swift-crypto, for making and reading keys.
enum DKIMOpenSSL {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `openssl arguments…` with `input` on its standard input and returns its standard output.
    static func run(_ arguments: [String], input: Data = Data()) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "openssl \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(errors)")
        }
        return output
    }

    /// A new RSA private key PEM: PKCS#1 (`RSA PRIVATE KEY`) when `traditional`, else PKCS#8 (OpenSSL 3's default).
    static func rsaKey(bits: Int, traditional: Bool) throws -> String {
        String(decoding: try run(["genrsa"] + (traditional ? ["-traditional"] : []) + ["\(bits)"]), as: UTF8.self)
    }

    /// A new Ed25519 private key PEM (PKCS#8).
    static func ed25519Key() throws -> String {
        String(decoding: try run(["genpkey", "-algorithm", "ed25519"]), as: UTF8.self)
    }

    /// The DER SubjectPublicKeyInfo of a private key PEM.
    static func publicKeyDER(of pem: String) throws -> Data {
        try run(["pkey", "-pubout", "-outform", "DER"], input: Data(pem.utf8))
    }
}
