import EventStream
import Testing
import TestSupport

@Suite("Byte order mark")
struct ByteOrderMarkTests {
    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    @Test func bomAtStreamStartIsSkipped() throws {
        #expect(try parse(Self.bom + Array("data: x\n\n".utf8)) == [message("x")])
    }

    @Test func bomSplitAcrossChunksIsSkipped() throws {
        #expect(try parse(Self.bom + Array("data: x\n\n".utf8), chunkSize: 1) == [message("x")])
        #expect(try parse(chunks: [[0xEF], [0xBB, 0xBF, 0x64], Array("ata: x\n\n".utf8)]) == [message("x")])
    }

    @Test func onlyOneBomIsSkipped() throws {
        // The second BOM belongs to the field name, which then matches no field.
        #expect(try parse(Self.bom + Self.bom + Array("data: x\n\ndata: y\n\n".utf8)) == [message("y")])
    }

    @Test func bomAtStartOfLaterLineIsContent() throws {
        #expect(try parse(Array("data: x\n".utf8) + Self.bom + Array("data: y\n\n".utf8)) == [message("x")])
    }

    @Test func bomPrefixThatIsNotABomIsContent() throws {
        let bytes: [UInt8] = [0xEF, 0xBB] + Array("\ndata: x\n\n".utf8)
        #expect(try parse(bytes) == [message("x")])
        #expect(try parse(bytes, chunkSize: 1) == [message("x")])
        // A lone 0xEF before a colon is a field name of its own, which matches no field.
        #expect(try parse([0xEF] + Array(":c\ndata: x\n\n".utf8), chunkSize: 1) == [message("x")])
    }
}

@Suite("UTF-8")
struct UTF8Tests {
    @Test func multiByteCharactersSurviveAnySplit() throws {
        let text = "data: héllo 世界 🌦️ Grüße\n\n"
        for size in 1...8 {
            #expect(try parse(text, chunkSize: size) == [message("héllo 世界 🌦️ Grüße")])
        }
    }

    @Test func invalidBytesBecomeReplacementCharacters() throws {
        let bytes = Array("data: a".utf8) + [0xFF, 0xC3] + Array("b\ndata: ".utf8) + [0xE2, 0x82] + Array("\n\n".utf8)
        let events = try parse(bytes)
        #expect(events == [message("a\u{FFFD}\u{FFFD}b\n\u{FFFD}")])
    }

    @Test func invalidBytesInFieldNamesAndIdsDoNotCrash() throws {
        let bytes: [UInt8] = [0xC0, 0x80] + Array(": x\nid: ".utf8) + [0xFE] + Array("\ndata: y\n\n".utf8)
        #expect(try parse(bytes) == [message("y", id: "\u{FFFD}")])
    }
}

@Suite("End of stream")
struct EndOfStreamTests {
    @Test func unterminatedEventIsDiscarded() throws {
        var parser = SSEParser()
        let events = try parser.parse(Array("data: a\n\ndata: b\n".utf8))
        #expect(events == [message("a")])
        #expect(parser.finish() == true)
    }

    @Test func unterminatedLineIsDiscarded() throws {
        var parser = SSEParser()
        #expect(try parser.parse(Array("data: a".utf8)).isEmpty)
        #expect(parser.finish() == true)
    }

    @Test func cleanEndReportsNothingDiscarded() throws {
        var parser = SSEParser()
        _ = try parser.parse(Array("data: a\n\n: bye\n".utf8))
        #expect(parser.finish() == false)
    }

    @Test func finishResetsForTheNextConnectionButKeepsLastEventIdAndRetry() throws {
        var parser = SSEParser()
        _ = try parser.parse(Array("retry: 50\nid: 9\nevent: x\ndata: a\n\nevent: y\ndata: half".utf8))
        parser.finish()
        #expect(parser.lastEventId == "9")
        #expect(parser.reconnectionTime == 50)
        // A new stream starts with empty buffers (the spec's per-stream id buffer too) and may start with a BOM.
        let events = try parser.parse([0xEF, 0xBB, 0xBF] + Array("data: b\n\n".utf8))
        #expect(events == [message("b", id: "")])
    }
}

@Suite("Chunking")
struct ChunkingTests {
    static let stream = Array((
        "\u{FEFF}: hello\r\nretry: 1500\nid: 1\nevent: agent_started\ndata: {\"agent\":\"Researcher\"}\n\n"
        + "id: 2\rdata: {\"text\":\"Sun\"}\r\rdata: {\"text\":\" 世界 🌦\"}\r\n\r\n"
        + "event: tool_call\ndata: line one\ndata: line two\ndata\n\n"
        + "id\ndata: after reset\n\n: keepalive\n\nid: 3\ndata: tail\r\n\r\n"
    ).utf8)

    static let expected: [SSEEvent] = [
        message("{\"agent\":\"Researcher\"}", id: "1", type: "agent_started", retry: 1500),
        message("{\"text\":\"Sun\"}", id: "2"),
        message("{\"text\":\" 世界 🌦\"}", id: "2"),
        message("line one\nline two\n", id: "2", type: "tool_call"),
        message("after reset", id: ""),
        message("tail", id: "3"),
    ]

    @Test func wholeStreamAtOnce() throws {
        #expect(try parse(Self.stream) == Self.expected)
    }

    @Test func everySplitPositionGivesTheSameEvents() throws {
        for split in 0...Self.stream.count {
            let events = try parse(chunks: [Array(Self.stream[..<split]), Array(Self.stream[split...])])
            #expect(events == Self.expected, "split at byte \(split)")
        }
    }

    @Test func everyPairOfSplitPositionsGivesTheSameEvents() throws {
        let bytes = Self.stream
        for first in stride(from: 0, through: bytes.count, by: 3) {
            for second in first...bytes.count {
                let chunks = [Array(bytes[..<first]), Array(bytes[first..<second]), Array(bytes[second...])]
                let events = try parse(chunks: chunks)
                if events != Self.expected {
                    Issue.record("splits at \(first) and \(second) gave \(events)")
                    return
                }
            }
        }
    }

    @Test(arguments: [1, 2, 3, 5, 7, 16, 64, 65536])
    func fixedChunkSizes(size: Int) throws {
        #expect(try parse(Self.stream, chunkSize: size) == Self.expected)
    }

    @Test func randomChunkSizes() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<300 {
            var chunks: [[UInt8]] = []
            var offset = 0
            while offset < Self.stream.count {
                let size = Int.random(in: 0...12, using: &random)
                let end = min(Self.stream.count, offset + size)
                chunks.append(Array(Self.stream[offset..<end]))
                offset = end
            }
            #expect(try parse(chunks: chunks) == Self.expected)
        }
    }

    @Test func manyEventsInLargeChunks() throws {
        var bytes: [UInt8] = []
        for index in 0..<20_000 { bytes += Array("id: \(index)\ndata: {\"text\":\" w\(index)\"}\n\n".utf8) }
        let events = try parse(bytes, chunkSize: 64 * 1024)
        #expect(events.count == 20_000)
        #expect(events.last == message("{\"text\":\" w19999\"}", id: "19999"))
    }

    @Test func longLineArrivingInManyChunksIsNotRescanned() throws {
        // 1 MiB of data in 1-byte chunks: a parser that rescanned its partial line would take ages here.
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: (1 << 20) - 16)
        var parser = SSEParser()
        var events: [SSEEvent] = []
        try parser.parse(Array("data: ".utf8), into: &events)
        for byte in payload { try parser.parse(CollectionOfOne(byte), into: &events) }
        try parser.parse(Array("\n\n".utf8), into: &events)
        #expect(events.count == 1)
        #expect(events.first?.data.utf8.count == payload.count)
    }
}

@Suite("Limits")
struct LimitTests {
    @Test func lineWithinTheLimitIsAccepted() throws {
        let limits = SSELimits(maxLineLength: 16, maxEventSize: 1024)
        #expect(try parse(Array("data: 0123456789\n\n".utf8), limits: limits) == [message("0123456789")])
    }

    @Test func longLineInOneChunkIsRefused() throws {
        let limits = SSELimits(maxLineLength: 16, maxEventSize: 1024)
        #expect(throws: SSEParserError.lineTooLong(limit: 16, offset: 12)) {
            try parse(Array("data: short\ndata: 01234567890\n\n".utf8), limits: limits)
        }
    }

    @Test func longPartialLineIsRefusedBeforeItEnds() throws {
        var parser = SSEParser(limits: SSELimits(maxLineLength: 8, maxEventSize: 1024))
        _ = try parser.parse(Array("data".utf8))
        #expect(throws: SSEParserError.lineTooLong(limit: 8, offset: 0)) {
            _ = try parser.parse(Array(": 12345".utf8))
        }
    }

    @Test func eventTooLargeAcrossManyLinesIsRefused() throws {
        let limits = SSELimits(maxLineLength: 100, maxEventSize: 10)
        #expect(try parse(Array("data: 1234\ndata: 12345\n\n".utf8), limits: limits) == [message("1234\n12345")])
        #expect(throws: SSEParserError.eventTooLarge(limit: 10, offset: 23)) {
            try parse(Array("data: 1234\ndata: 12345\ndata:\n\n".utf8), limits: limits)
        }
    }

    @Test func sizeIsCountedPerEvent() throws {
        let limits = SSELimits(maxLineLength: 100, maxEventSize: 5)
        let events = try parse(Array("data: 12345\n\ndata: 12345\n\n".utf8), chunkSize: 3, limits: limits)
        #expect(events.count == 2)
    }

    @Test func failedParserStaysFailed() throws {
        var parser = SSEParser(limits: SSELimits(maxLineLength: 4, maxEventSize: 100))
        #expect(throws: SSEParserError.self) { _ = try parser.parse(Array("data: toolong\n\n".utf8)) }
        #expect(throws: SSEParserError.self) { _ = try parser.parse(Array("data\n\n".utf8)) }
    }

    @Test func errorsSayWhatAndWhere() {
        let error = SSEParserError.lineTooLong(limit: 1_048_576, offset: 70)
        #expect("\(error)" == "a line starting at byte 70 is longer than the limit of 1048576 bytes")
    }
}
