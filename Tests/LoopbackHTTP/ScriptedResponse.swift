/// What the loopback server answers to one request: a status, headers and a script of body steps that are played
/// in order, so a test can make a server stream, stall, dribble or hang up exactly when it wants.
public struct ScriptedResponse: Sendable {
    public enum Step: Sendable, Hashable {
        /// Written and flushed at once: with chunked framing each step is one HTTP chunk the client sees as it comes.
        case bytes([UInt8])
        /// Waits before the next step (cancelled when the server shuts down).
        case pause(milliseconds: Int)
        /// Closes the connection without finishing the body: the client sees the stream cut off mid-way.
        case cutConnection
    }

    /// How the body's end is marked. The server sets the framing headers itself; scripted ones are ignored.
    public enum Framing: Sendable, Hashable {
        /// `Transfer-Encoding: chunked`, one chunk per `.bytes` step.
        case chunked
        /// `Content-Length` of all `.bytes` steps (a `.cutConnection` then leaves the body short).
        case contentLength
    }

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var steps: [Step]
    public var framing: Framing
    /// Sends `Connection: close` and closes after the body, instead of keeping the connection for another request.
    public var closesConnection: Bool

    public init(
        status: Int = 200, headers: [(name: String, value: String)] = [], steps: [Step] = [],
        framing: Framing = .chunked, closesConnection: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.steps = steps
        self.framing = framing
        self.closesConnection = closesConnection
    }

    /// A complete body sent as one step, with the given content type.
    public static func body(
        status: Int = 200, contentType: String, _ text: String, headers: [(name: String, value: String)] = []
    ) -> ScriptedResponse {
        ScriptedResponse(
            status: status, headers: [("Content-Type", contentType)] + headers, steps: [.bytes(Array(text.utf8))],
            framing: .contentLength)
    }

    public static func json(status: Int = 200, _ text: String, headers: [(name: String, value: String)] = [])
        -> ScriptedResponse
    {
        body(status: status, contentType: "application/json", text, headers: headers)
    }

    /// A `text/event-stream` response whose body is `steps`.
    public static func eventStream(_ steps: [Step], headers: [(name: String, value: String)] = []) -> ScriptedResponse {
        ScriptedResponse(
            status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")] + headers,
            steps: steps)
    }

    /// A response replayed from a recorded head (`HTTP/1.1 200 OK` and header lines, as `curl -D` saves them) and
    /// body, cut into `chunkSize`-byte steps (one step when nil). Framing headers of the recording are dropped.
    public init(recordedHead: String, body: [UInt8], chunkSize: Int? = nil) throws {
        var lines = recordedHead.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        lines.removeAll { $0.isEmpty }
        guard let statusLine = lines.first else { throw LoopbackError.malformedRecordedHead("it is empty") }
        let statusParts = statusLine.split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/"), let status = Int(statusParts[1]) else {
            throw LoopbackError.malformedRecordedHead("bad status line \(statusLine)")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                throw LoopbackError.malformedRecordedHead("header line without a colon: \(line)")
            }
            let name = String(line[..<colon]).trimmingSpaces
            let value = String(line[line.index(after: colon)...]).trimmingSpaces
            if !Self.framingHeaders.contains(name.lowercased()) { headers.append((name, value)) }
        }
        self.init(status: status, headers: headers, steps: Self.chunks(of: body, size: chunkSize))
    }

    /// `bytes` as `.bytes` steps of at most `size` bytes each (one step when nil, none when empty).
    public static func chunks(of bytes: [UInt8], size: Int?) -> [Step] {
        guard !bytes.isEmpty else { return [] }
        let size = max(1, size ?? bytes.count)
        return stride(from: 0, to: bytes.count, by: size).map {
            .bytes(Array(bytes[$0..<min(bytes.count, $0 + size)]))
        }
    }

    /// `bytes` one byte per step with a pause after each: a slow or hostile server dribbling its answer.
    public static func dribble(_ bytes: [UInt8], pauseMilliseconds: Int) -> [Step] {
        bytes.flatMap { byte -> [Step] in
            pauseMilliseconds > 0 ? [.bytes([byte]), .pause(milliseconds: pauseMilliseconds)] : [.bytes([byte])]
        }
    }

    static let framingHeaders: Set<String> = ["content-length", "transfer-encoding", "connection", "keep-alive"]
}

public enum LoopbackError: Error, Hashable, CustomStringConvertible {
    case malformedRecordedHead(String)
    case notStarted

    public var description: String {
        switch self {
        case let .malformedRecordedHead(reason): "malformed recorded response head: \(reason)"
        case .notStarted: "the loopback server has not been started"
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
