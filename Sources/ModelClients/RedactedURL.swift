import Foundation

extension URL {
    /// The URL as it may appear in errors and descriptions: without user info, and with the values of query items
    /// that look like credentials (`api-key`, `token`, `sig`, …) replaced, because people do paste keys into URLs.
    var redactedDescription: String {
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

    private static let sensitiveQueryNames = ["key", "token", "secret", "sig", "password", "auth", "code"]
}
