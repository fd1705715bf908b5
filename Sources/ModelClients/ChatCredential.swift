import HTTPExchange
/// How requests prove who is calling. Keys are `Secret`s, so a credential never prints.
public enum ChatCredential: Sendable {
    /// No credential (local servers).
    case none
    /// `Authorization: Bearer <key>` (OpenAI and most compatible servers).
    case bearerToken(Secret)
    /// `api-key: <key>` (Azure OpenAI keys).
    case apiKeyHeader(Secret)
    /// `Authorization: Bearer <token>` with a token fetched, and refreshed, by a provider (Azure CLI sign-in).
    case accessToken(any AccessTokenProvider)

    /// The header fields to send, fetching a token if this credential needs one.
    func headerFields() async throws -> [(name: String, value: String)] {
        switch self {
        case .none: []
        case let .bearerToken(key): [("Authorization", "Bearer \(key.value)")]
        case let .apiKeyHeader(key): [("api-key", key.value)]
        case let .accessToken(provider): [("Authorization", "Bearer \(try await provider.accessToken().value)")]
        }
    }

    /// Fetches a token now when this credential uses one, so a broken sign-in is reported at startup rather than
    /// by the first agent that calls the model.
    public func prepare() async throws {
        if case let .accessToken(provider) = self { _ = try await provider.accessToken() }
    }
}

/// A source of short-lived bearer tokens.
public protocol AccessTokenProvider: Sendable {
    /// A currently valid token (cached while it is fresh). Throws `ChatClientError` of kind `.configuration`.
    func accessToken() async throws -> Secret
}
