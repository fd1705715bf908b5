import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WorkflowCore

/// JSON error answers. The missing-message body is byte-for-byte the Agent Framework sample's, so its clients'
/// error handling keeps working.
enum ErrorResponse {
    static func json(_ status: HTTPResponse.Status, _ body: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        json(status, "{\"error\":\(quoted(message))}", headers: headers)
    }

    /// `{"error":"Missing 'message' field"}`, as the sample answers (35 bytes).
    static let missingMessage = "{\"error\":\"Missing 'message' field\"}"

    static func quoted(_ text: String) -> String {
        var output = ""
        JSONValue.writeQuoted(text, to: &output)
        return output
    }
}
