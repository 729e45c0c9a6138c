/// libcurl could not make or configure a handle (out of memory, an option this libcurl lacks).
struct CurlSetupError: Error, Sendable {
    var message: String
}
