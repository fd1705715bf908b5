import Foundation

/// Where a chat-completions request goes for a given model.
public enum ChatRoute: Sendable, Hashable {
    /// One URL for every model; the model is named in the request body (OpenAI, local servers, Azure's `/openai/v1`).
    case chatCompletions(URL)
    /// Azure's deployments form: the deployment (model) is part of the path and an `api-version` is required.
    case azureDeployment(endpoint: URL, apiVersion: String)

    public func url(forModel model: String) -> URL {
        switch self {
        case let .chatCompletions(url):
            return url
        case let .azureDeployment(endpoint, apiVersion):
            var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)!
            components.path = components.path.trimmingTrailingSlashes + "/openai/deployments/\(model)/chat/completions"
            components.queryItems = [URLQueryItem(name: "api-version", value: apiVersion)]
            return components.url!
        }
    }

    /// `{base}/chat/completions`, keeping any query the base URL carries.
    static func appendingChatCompletions(to base: URL) -> URL {
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        components.path = components.path.trimmingTrailingSlashes + "/chat/completions"
        return components.url!
    }
}

extension String {
    var trimmingTrailingSlashes: String {
        var text = Substring(self)
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}
