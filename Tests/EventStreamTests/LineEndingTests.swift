import EventStream
import Testing

@Suite("Line endings")
struct LineEndingTests {
    @Test func lineFeedEndsLines() throws {
        #expect(try parse("data: a\ndata: b\n\n") == [message("a\nb")])
    }

    @Test func crlfEndsLines() throws {
        #expect(try parse("data: a\r\ndata: b\r\n\r\n") == [message("a\nb")])
    }

    @Test func bareCarriageReturnEndsLines() throws {
        #expect(try parse("data: a\rdata: b\r\r") == [message("a\nb")])
    }

    @Test func mixedEndingsInOneStream() throws {
        #expect(try parse("data: a\rdata: b\r\ndata: c\n\r\ndata: d\r\r") == [message("a\nb\nc"), message("d")])
    }

    @Test func crlfSplitAcrossChunksIsOneLineEnd() throws {
        // Were the LF taken as a second line end, the blank line would dispatch "a" on its own.
        let events = try parse(chunks: [Array("data: a\r".utf8), Array("\ndata: b\r\n\r\n".utf8)])
        #expect(events == [message("a\nb")])
    }

    @Test func carriageReturnAtChunkEndFollowedByOtherByte() throws {
        let events = try parse(chunks: [Array("data: a\r".utf8), Array("data: b\r\r".utf8)])
        #expect(events == [message("a\nb")])
    }

    @Test func carriageReturnThenBlankLineAcrossChunks() throws {
        let events = try parse(chunks: [Array("data: a\r".utf8), Array("\r".utf8), Array("\n".utf8)])
        #expect(events == [message("a")])
    }

    @Test func unicodeLineSeparatorsAreNotLineBreaks() throws {
        let text = "data: {\"text\":\"a\u{2028}b\u{2029}c\u{85}d\"}\n\n"
        #expect(try parse(text) == [message("{\"text\":\"a\u{2028}b\u{2029}c\u{85}d\"}")])
    }
}
