import Foundation

/// Where requester API calls go: the local `qualkit serve` (the default), MTurk's sandbox or production
/// endpoint (while they answer), or any MTurk-compatible URL.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var url: URL
    /// `local`, `sandbox`, `production`, or the URL itself.
    public var name: String

    public init(url: URL, name: String? = nil) {
        self.url = url
        self.name = name ?? url.absoluteString
    }

    /// The port `qualkit serve` listens on by default.
    public static let defaultLocalPort = 8765
    public static let local = Endpoint(url: URL(string: "http://127.0.0.1:\(defaultLocalPort)")!, name: "local")
    public static let sandbox = Endpoint(url: URL(string: "https://mturk-requester-sandbox.us-east-1.amazonaws.com")!, name: "sandbox")
    public static let production = Endpoint(url: URL(string: "https://mturk-requester.us-east-1.amazonaws.com")!, name: "production")

    /// Parses `local`, `sandbox`, `production` or an http(s) URL.
    public static func parse(_ text: String) -> Endpoint? {
        switch text.lowercased() {
        case "local": return .local
        case "sandbox": return .sandbox
        case "production", "prod": return .production
        default:
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  url.host != nil else { return nil }
            return Endpoint(url: url)
        }
    }

    /// The key used in `qualkit.lock` to tie type ids to the endpoint they were created on.
    public var ledgerKey: String {
        var s = url.absoluteString.lowercased()
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }

    /// Whether this endpoint is on this machine (a `qualkit serve`).
    public var isLoopback: Bool {
        guard let host = url.host?.lowercased() else { return false }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String { name == url.absoluteString ? name : "\(name) (\(url.absoluteString))" }
}
