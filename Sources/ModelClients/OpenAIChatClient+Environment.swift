import Foundation
import WorkflowCore

extension OpenAIChatClient {
    /// The client the command line and environment ask for, or nil when no model is configured (use the scripted
    /// model). Reads `local.settings.json` values where the environment lacks them, and signs in to Azure with the
    /// CLI now if that is how Azure is configured, so a missing sign-in is reported before any workflow starts.
    ///
    /// - Parameters:
    ///   - environment: usually `ProcessInfo.processInfo.environment`; tests pass their own.
    ///   - settingsFile: a `local.settings.json` to read if it exists (usually in the current directory).
    /// - Throws: `ChatClientError` of kind `.configuration`.
    public static func configured(
        options: ProviderOptions, environment: [String: String], settingsFile: URL? = nil,
        retryPolicy: RetryPolicy = .default, timeouts: ChatTimeouts = .default
    ) async throws -> OpenAIChatClient? {
        let environment = try LocalSettingsFile.environment(environment, addingValuesFrom: settingsFile)
        guard let settings = try ProviderSettings.resolve(options, environment: environment) else { return nil }
        try await settings.credential.prepare()
        return OpenAIChatClient(settings: settings, retryPolicy: retryPolicy, timeouts: timeouts)
    }
}
