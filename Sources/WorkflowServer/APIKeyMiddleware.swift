import Foundation
import HTTPTypes
import Hummingbird

/// Requires the API key on every route but health, accepted the ways the sample's hosting (Azure Functions) and
/// common clients send it: an `x-functions-key` header, a `code` query parameter, or `Authorization: Bearer`.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/api/health" || Self.presented(in: request).contains(where: { Self.matches($0, key) }) {
            return try await next(request, context)
        }
        context.logger.notice("request without a valid API key", metadata: ["path": .string(request.uri.path)])
        return try ErrorAnswer(
            status: .unauthorized,
            message: "a valid API key is required (x-functions-key header, code query parameter or Authorization: Bearer)",
            headers: [.wwwAuthenticate: "Bearer"]
        ).response(from: request, context: context)
    }

    static var functionsKey: HTTPField.Name { HTTPField.Name("x-functions-key")! }

    /// Every key the request offers.
    static func presented(in request: Request) -> [String] {
        var keys: [String] = []
        if let header = request.headers[functionsKey] { keys.append(header) }
        if let code = request.uri.queryParameters.get("code") { keys.append(code) }
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                keys.append(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        return keys
    }

    /// Compares in time that depends only on the expected key's length, so response timing does not reveal how
    /// much of a guess was right.
    static func matches(_ given: String, _ expected: String) -> Bool {
        let given = Array(given.utf8)
        let expected = Array(expected.utf8)
        var difference: UInt8 = given.count == expected.count ? 0 : 1
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
