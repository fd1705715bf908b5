import EventStream
import Testing
import TestSupport

@Suite("Encoder")
struct EncoderTests {
    @Test func plainMessageIsOneDataLine() throws {
        var encoder = SSEEncoder()
        #expect(String(decoding: try encoder.encode(message("{\"text\":\"hi\"}")), as: UTF8.self)
            == "data: {\"text\":\"hi\"}\n\n")
    }

    @Test func allFieldsInOrder() throws {
        var encoder = SSEEncoder()
        let bytes = try encoder.encode(message("a\nb", id: "7", type: "tool_call", retry: 3000))
        #expect(String(decoding: bytes, as: UTF8.self) == "event: tool_call\nid: 7\nretry: 3000\ndata: a\ndata: b\n\n")
    }

    @Test func idIsWrittenOnlyWhenItChanges() throws {
        var encoder = SSEEncoder()
        var out: [UInt8] = []
        try encoder.encode(message("a", id: "1"), into: &out)
        try encoder.encode(message("b", id: "1"), into: &out)
        try encoder.encode(message("c", id: ""), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "id: 1\ndata: a\n\ndata: b\n\nid: \ndata: c\n\n")
        #expect(try parse(out) == [message("a", id: "1"), message("b", id: "1"), message("c", id: "")])
    }

    @Test func emptyDataRoundTrips() throws {
        var encoder = SSEEncoder()
        #expect(try parse(encoder.encode(message(""))) == [message("")])
    }

    @Test func leadingSpacesSurvive() throws {
        var encoder = SSEEncoder()
        let event = message("  two spaces", id: " x", type: " t")
        #expect(try parse(encoder.encode(event)) == [event])
    }

    @Test func idWithLineBreakIsRefused() {
        var encoder = SSEEncoder()
        #expect(throws: SSEEncodingError.lineBreakInId("1\n2")) { try encoder.encode(message("x", id: "1\n2")) }
        #expect(throws: SSEEncodingError.lineBreakInId("1\r")) { try encoder.encode(message("x", id: "1\r")) }
    }

    @Test func idWithNulIsRefused() {
        var encoder = SSEEncoder()
        #expect(throws: SSEEncodingError.nulInId("a\u{0}")) { try encoder.encode(message("x", id: "a\u{0}")) }
    }

    @Test func typeWithLineBreakOrEmptyIsRefused() {
        var encoder = SSEEncoder()
        #expect(throws: SSEEncodingError.lineBreakInType("a\nb")) { try encoder.encode(message("x", type: "a\nb")) }
        #expect(throws: SSEEncodingError.emptyType) { try encoder.encode(message("x", type: "")) }
    }

    @Test func negativeRetryIsRefused() {
        var encoder = SSEEncoder()
        #expect(throws: SSEEncodingError.negativeRetry(-1)) { try encoder.encode(message("x", retry: -1)) }
    }

    @Test func refusedEventWritesNothingAndKeepsState() throws {
        var encoder = SSEEncoder()
        var out: [UInt8] = []
        try encoder.encode(message("a", id: "1"), into: &out)
        #expect(throws: SSEEncodingError.self) { try encoder.encode(message("b", id: "2\n"), into: &out) }
        try encoder.encode(message("c", id: "1"), into: &out)
        #expect(try parse(out) == [message("a", id: "1"), message("c", id: "1")])
    }

    @Test func commentsAreIgnoredByTheParser() throws {
        #expect(String(decoding: SSEEncoder.comment("keepalive"), as: UTF8.self) == ": keepalive\n")
        #expect(String(decoding: SSEEncoder.comment("a\nb"), as: UTF8.self) == ": a\n: b\n")
        var parser = SSEParser()
        var encoder = SSEEncoder()
        let bytes = SSEEncoder.comment("keepalive") + (try encoder.encode(message("x"))) + SSEEncoder.comment("")
        #expect(try parser.parse(bytes) == [message("x")])
        #expect(parser.commentCount == 2)
    }

    @Test func lineBreaksInDataBecomeLineFeeds() throws {
        var encoder = SSEEncoder()
        let bytes = try encoder.encode(message("a\r\nb\rc\n\nd\r\n"))
        #expect(try parse(bytes) == [message("a\nb\nc\n\nd\n")])
    }

    /// Random events, encoded together and parsed back in random chunks, come back identical (with CR and CRLF
    /// in data read back as LF, the one thing SSE cannot carry).
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func roundTripProperty(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<60 {
            let events = (0..<Int.random(in: 1...12, using: &random)).map { _ in Self.randomEvent(using: &random) }
            var encoder = SSEEncoder()
            var bytes: [UInt8] = []
            for event in events { try encoder.encode(event, into: &bytes) }
            let expected = events.map { event in
                var normalised = event
                normalised.data = Self.lineFeedsOnly(event.data)
                return normalised
            }
            let chunk = Int.random(in: 1...40, using: &random)
            #expect(try parse(bytes, chunkSize: chunk) == expected, "seed \(seed), chunk \(chunk)")
        }
    }

    /// CRLF and lone CR as LF, scalar by scalar (String's own replacing works on grapheme clusters).
    static func lineFeedsOnly(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n", previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            scalars.append(scalar == "\r" ? "\n" : scalar)
        }
        return String(scalars)
    }

    static let pieces = [
        "a", "Z", " ", "  ", ":", "data:", "id", "\n", "\r", "\r\n", "\n\n", "é", "世界", "🌦️", "\u{2028}", "\u{FEFF}",
        "{\"text\":\"x\"}", "\t", "\u{0}",
    ]

    static func randomText(using random: inout SplitMix64, allowBreaks: Bool, allowNul: Bool = true) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...8, using: &random) {
            let piece = pieces.randomElement(using: &random)!
            if !allowBreaks, piece.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) { continue }
            if !allowNul, piece == "\u{0}" { continue }
            text += piece
        }
        return text
    }

    static func randomEvent(using random: inout SplitMix64) -> SSEEvent {
        let type = Bool.random(using: &random) ? "message" : randomText(using: &random, allowBreaks: false)
        return SSEEvent(
            type: type.isEmpty ? "message" : type,
            data: randomText(using: &random, allowBreaks: true),
            id: Bool.random(using: &random) ? "" : randomText(using: &random, allowBreaks: false, allowNul: false),
            retry: Int.random(in: 0...4, using: &random) == 0 ? Int.random(in: 0...100_000, using: &random) : nil)
    }
}
