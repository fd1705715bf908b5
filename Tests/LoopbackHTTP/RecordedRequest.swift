/// One request as the loopback server received it, kept so tests can assert on what a client really sent.
public struct RecordedRequest: Sendable {
    /// 0 for the first request the server received, counting across all connections.
    public var sequenceNumber: Int
    /// 0 for the first connection the server accepted; requests on one kept-alive connection share it, so a test
    /// can tell a reconnect from a reused connection.
    public var connectionNumber: Int
    public var method: String
    /// The request target as sent: path and query.
    public var uri: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// When the request's last byte arrived (a monotonic clock, so gaps between requests can be measured).
    public var receivedAt: ContinuousClock.Instant

    public init(
        sequenceNumber: Int, connectionNumber: Int, method: String, uri: String,
        headers: [(name: String, value: String)], body: [UInt8], receivedAt: ContinuousClock.Instant
    ) {
        self.sequenceNumber = sequenceNumber
        self.connectionNumber = connectionNumber
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
        self.receivedAt = receivedAt
    }

    /// The path without the query.
    public var path: String {
        uri.firstIndex(of: "?").map { String(uri[..<$0]) } ?? uri
    }

    /// The query without its `?`, or nil when the target has none.
    public var query: String? {
        uri.firstIndex(of: "?").map { String(uri[uri.index(after: $0)...]) }
    }

    /// The first value of the header `name` (compared case-insensitively), or nil.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
