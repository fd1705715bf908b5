import HTTPTypes
import Hummingbird

/// The request context of flowtop's routes: Hummingbird's basic context with our JSON encoder, so every typed
/// answer (`ResponseEncodable`, `HTTPResponseError`) is written the one way the sample's clients expect.
struct ServerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    var responseEncoder: AnswerEncoder { AnswerEncoder() }
}

/// JSON answers as the Agent Framework sample (Starlette) and its AG-UI endpoint (FastAPI) write them: compact,
/// keys in declaration order, `Content-Type: application/json` without a charset, so their clients' byte
/// comparisons hold.
struct AnswerEncoder: ResponseEncoder {
    func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let data = try OrderedJSONEncoder().encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json", .contentLength: String(data.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
