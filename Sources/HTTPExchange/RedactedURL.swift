import Foundation

extension URL {
    /// The URL as it may appear in errors and descriptions: without user info, and with the values of query items
    /// that look like credentials (`api-key`, `token`, `sig`, …) replaced, because people do paste keys into URLs.
    public var redactedDescription: String {
        guard var components = URLComponents(url: self, resolvingAgainstBaseURL: false) else {
            return "\(scheme ?? "url")://\(host ?? "?")/…"
        }
        components.user = nil
        components.password = nil
        if let items = components.queryItems, !items.isEmpty {
            components.queryItems = items.map { item in
                let name = item.name.lowercased()
                let sensitive = Self.sensitiveQueryNames.contains { name.contains($0) }
                return sensitive ? URLQueryItem(name: item.name, value: "REDACTED") : item
            }
        }
        return components.string ?? "\(scheme ?? "url")://\(host ?? "?")/…"
    }

    /// Scheme, host, port and path only, never user info or the query (a key may sit under any name there): for a
    /// URL the person typed and flowtop echoes in every error.
    public static func describedWithoutQuery(_ text: String) -> String {
        guard let components = URLComponents(string: text), let host = components.host else { return "the server" }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(components.scheme ?? "http")://\(host)\(port)\(components.path)"
    }

    /// `redactedDescription` of a URL given as text (what a command line hands over); "the server" when it does not
    /// parse.
    public static func redactedDescription(of text: String) -> String {
        URL(string: text)?.redactedDescription ?? "the server"
    }

    private static let sensitiveQueryNames = ["key", "token", "secret", "sig", "password", "auth", "code"]
}
