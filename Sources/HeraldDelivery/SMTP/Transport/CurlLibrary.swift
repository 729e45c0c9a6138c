import CCurl

/// libcurl's process-wide initialisation, done once before the first handle.
enum CurlLibrary {
    /// `curl_global_init` ran and succeeded (evaluated once, thread-safely, on first use).
    static let isInitialized: Bool = herald_curl_global_init() == CURLE_OK
}
