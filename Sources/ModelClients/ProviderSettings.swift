import Foundation
import HTTPExchange
import WorkflowCore

/// A resolved provider: where requests go, which model is the default and how they authenticate.
public struct ProviderSettings: Sendable {
    public var provider: ProviderKind
    /// The default model; a `ChatRequest.model` overrides it. For Azure, the deployment name.
    public var model: String
    public var route: ChatRoute
    public var credential: ChatCredential

    public init(provider: ProviderKind, model: String, route: ChatRoute, credential: ChatCredential) {
        self.provider = provider
        self.model = model
        self.route = route
        self.credential = credential
    }

    /// The provider, default model and endpoint, without credentials.
    public var modelDescription: ModelDescription {
        ModelDescription(
            provider: provider.rawValue, model: model, endpoint: route.url(forModel: model).redactedDescription)
    }

    /// Secrets whose values must be scrubbed from server text we quote (tokens are added per request).
    var staticSecrets: [Secret] {
        switch credential {
        case let .bearerToken(key), let .apiKeyHeader(key): [key]
        case .none, .accessToken: []
        }
    }
}
