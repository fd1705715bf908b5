import NIOCore
import NIOHTTP1

/// Serves the requests of one accepted connection, one at a time, playing each scripted response.
struct ConnectionServer: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    let connectionNumber: Int
    let log: RequestLog
    let handler: LoopbackServer.Handler

    func serve(_ connection: Connection) async {
        // Errors here are the peer going away or the server shutting down; either way the connection is done.
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case let .head(requestHead):
                    head = requestHead
                    body = []
                case var .body(buffer):
                    body += buffer.readBytes(length: buffer.readableBytes) ?? []
                case .end:
                    guard let requestHead = head else { continue }
                    head = nil
                    let request = log.record(
                        connectionNumber: connectionNumber, method: requestHead.method.rawValue, uri: requestHead.uri,
                        headers: requestHead.headers.map { ($0.name, $0.value) }, body: body)
                    let response = await handler(request)
                    let finished = try await play(response, to: outbound)
                    if !finished || response.closesConnection || !requestHead.isKeepAlive { return }
                }
            }
        }
    }

    /// Writes `response`; returns false when its script cut the connection.
    private func play(_ response: ScriptedResponse, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>)
        async throws -> Bool
    {
        var headers = HTTPHeaders()
        for (name, value) in response.headers where !ScriptedResponse.framingHeaders.contains(name.lowercased()) {
            headers.add(name: name, value: value)
        }
        switch response.framing {
        case .chunked:
            headers.add(name: "Transfer-Encoding", value: "chunked")
        case .contentLength:
            let length = response.steps.reduce(0) { total, step in
                if case let .bytes(bytes) = step { total + bytes.count } else { total }
            }
            headers.add(name: "Content-Length", value: String(length))
        }
        if response.closesConnection { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        for step in response.steps {
            switch step {
            case let .bytes(bytes):
                guard !bytes.isEmpty else { continue }  // an empty chunk would end a chunked body
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
            case let .pause(milliseconds):
                try await Task.sleep(for: .milliseconds(milliseconds))
            case .cutConnection:
                return false
            }
        }
        try await outbound.write(.end(nil))
        return true
    }
}
