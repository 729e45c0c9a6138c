import AsyncHTTPClient
import Foundation

extension OutboundDestination {
    /// `base` pinned to this destination: AsyncHTTPClient connects to the first vetted address
    /// (`dnsOverride`, no resolution at connect time) while SNI and certificate verification use the
    /// URL's host; redirects are never followed. Give the client the shared event loop group and
    /// keep it only as long as this pin is the current vetting of the destination.
    public func pinnedClientConfiguration(base: HTTPClient.Configuration = .init()) -> HTTPClient.Configuration {
        var configuration = base
        configuration.dnsOverride = dnsOverride
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}
