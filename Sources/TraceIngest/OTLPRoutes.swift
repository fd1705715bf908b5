import HTTPTypes
import Hummingbird
import NIOCore

/// OTLP/HTTP as routes any Hummingbird router can carry (`flowtop otel` on port 4318, `flowtop serve` beside its
/// own): `POST /v1/traces` feeds the receiver; `POST /v1/metrics` and `/v1/logs` answer success and drop the body,
/// so an app exporting all three signals is not disturbed. Answers follow the OTLP/HTTP spec: 200 with an
/// `Export*ServiceResponse` in the request's encoding (`partial_success` when spans were refused), 400 for a body
/// that does not decode, 413 past the size limit (as sent or inflated), 415 for another content type or encoding;
/// a 4xx carries a `google.rpc.Status` with the reason.
public struct OTLPRoutes: Sendable {
    public let receiver: TraceReceiver
    public let limits: OTLPLimits

    public init(receiver: TraceReceiver, limits: OTLPLimits = .init()) {
        self.receiver = receiver
        self.limits = limits
    }

    public func register<Context: RequestContext>(on router: some RouterMethods<Context>) {
        router.post("/v1/traces") { request, _ in
            await traces(request)
        }
        router.post("/v1/metrics") { request, _ in
            await ignored(request, answer: OTLPAnswer.metrics(encoding:))
        }
        router.post("/v1/logs") { request, _ in
            await ignored(request, answer: OTLPAnswer.logs(encoding:))
        }
    }

    private func traces(_ incoming: Request) async -> Response {
        var request = incoming
        let encoding: OTLPEncoding
        let body: [UInt8]
        switch await read(&request) {
        case let .success((readEncoding, bytes)):
            encoding = readEncoding
            body = bytes
        case let .failure(refused):
            receiver.refuse(refused.refusal)
            return refused.response
        }
        do {
            let acceptance = try receiver.export(body, encoding: encoding)
            return Self.answer(.ok, OTLPAnswer.traces(rejected: acceptance.rejected, reason: acceptance.reason, encoding: encoding), encoding)
        } catch {
            return Self.failure(.badRequest, code: 3, error.message, encoding)
        }
    }

    private func ignored(_ incoming: Request, answer: (OTLPEncoding) -> [UInt8]) async -> Response {
        var request = incoming
        switch await read(&request) {
        case let .success((encoding, _)): return Self.answer(.ok, answer(encoding), encoding)
        case let .failure(refused): return refused.response
        }
    }

    private struct Refused: Error {
        var refusal: TraceReceiver.Refusal
        var response: Response
    }

    /// The body's encoding and bytes (inflated), or the answer that refuses it.
    private func read(_ request: inout Request) async -> Result<(OTLPEncoding, [UInt8]), Refused> {
        let contentType = request.headers[.contentType]
        guard let encoding = OTLPEncoding(contentType: contentType) else {
            let message = "unsupported content type \(contentType ?? "(none)"): OTLP/HTTP takes application/x-protobuf or application/json"
            return .failure(Refused(refusal: .unsupported(message), response: Self.failure(.unsupportedMediaType, code: 3, message, .json)))
        }
        let limit = limits.maxBodyBytes
        let tooLarge = "the body is larger than the limit of \(limit) bytes"
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            return .failure(Refused(refusal: .oversized(tooLarge), response: Self.failure(.contentTooLarge, code: 8, tooLarge, encoding)))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            return .failure(Refused(refusal: .oversized(tooLarge), response: Self.failure(.contentTooLarge, code: 8, tooLarge, encoding)))
        } catch {
            let message = "could not read the body: \(error)"
            return .failure(Refused(refusal: .malformed(message), response: Self.failure(.badRequest, code: 3, message, encoding)))
        }
        do {
            return .success((encoding, try OTLPBody.bytes(of: buffer, contentEncoding: request.headers[.contentEncoding], limits: limits)))
        } catch {
            switch error {
            case let .tooLarge(message):
                return .failure(Refused(refusal: .oversized(message), response: Self.failure(.contentTooLarge, code: 8, message, encoding)))
            case let .undecodable(message):
                return .failure(Refused(refusal: .malformed(message), response: Self.failure(.badRequest, code: 3, message, encoding)))
            case let .unsupportedEncoding(message):
                return .failure(Refused(refusal: .unsupported(message), response: Self.failure(.unsupportedMediaType, code: 3, message, encoding)))
            }
        }
    }

    private static func answer(_ status: HTTPResponse.Status, _ body: [UInt8], _ encoding: OTLPEncoding) -> Response {
        Response(
            status: status,
            headers: [.contentType: encoding.contentType, .contentLength: String(body.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    private static func failure(_ status: HTTPResponse.Status, code: Int32, _ message: String, _ encoding: OTLPEncoding) -> Response {
        answer(status, OTLPAnswer.status(code: code, message: message, encoding: encoding), encoding)
    }
}
