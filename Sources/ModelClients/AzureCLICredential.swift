import Foundation
import HTTPExchange
import WorkflowCore

/// Azure sign-in without a key: a bearer token for Azure OpenAI from the Azure CLI (`az login` must have been run).
///
/// Tokens last about an hour and `az` is slow (a second or more), so a token is cached and fetched again after
/// `refreshAfter`; concurrent callers share one fetch.
public actor AzureCLICredential: AccessTokenProvider {
    public static let resource = "https://cognitiveservices.azure.com"

    private let environment: [String: String]
    private let refreshAfter: Duration
    private var cached: (token: Secret, fetchedAt: ContinuousClock.Instant)?
    private var pending: Task<Secret, any Error>?

    /// - Parameters:
    ///   - environment: where `az` is looked up (`PATH`) and the environment it runs with.
    ///   - refreshAfter: how long a token is reused; well under the token's lifetime.
    public init(environment: [String: String], refreshAfter: Duration = .seconds(45 * 60)) {
        self.environment = environment
        self.refreshAfter = refreshAfter
    }

    public func accessToken() async throws -> Secret {
        if let cached, cached.fetchedAt.duration(to: .now) < refreshAfter { return cached.token }
        if let pending { return try await pending.value }
        let environment = self.environment
        let fetch = Task { try await Self.fetchToken(environment: environment) }
        pending = fetch
        defer { pending = nil }
        let token = try await fetch.value
        cached = (token, .now)
        return token
    }

    static func fetchToken(environment: [String: String]) async throws -> Secret {
        let noKey = "AZURE_OPENAI_API_KEY is not set (or pass --api-key)"
        guard let az = CommandRunner.find("az", in: environment) else {
            throw failure(
                "\(noKey), and the Azure CLI (az) is not on PATH to sign in with; install it and run `az login`")
        }
        let output: CommandRunner.Output
        do {
            output = try await CommandRunner.run(
                az,
                arguments: [
                    "account", "get-access-token", "--resource", resource, "--query", "accessToken", "-o", "tsv",
                ],
                environment: environment)
        } catch {
            throw failure("\(noKey), and running \(az.path) failed: \(error.localizedDescription)")
        }
        guard output.status == 0 else {
            let reason = output.standardError.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let detail = reason.isEmpty ? "" : ": \(reason.trimmingCharacters(in: .whitespaces))"
            throw failure(
                "\(noKey), and `az account get-access-token` failed (exit status \(output.status))\(detail); "
                    + "run `az login`")
        }
        let token = output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains(where: \.isWhitespace) else {
            throw failure("\(noKey), and `az account get-access-token` printed no usable token; run `az login`")
        }
        return Secret(token)
    }

    private static func failure(_ message: String) -> ChatClientError {
        ChatClientError(kind: .configuration, provider: ProviderKind.azure.rawValue, message: message)
    }
}
