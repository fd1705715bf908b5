import EventStream
import Testing

@Suite("Fields")
struct FieldTests {
    @Test func commentLinesAreIgnoredAndCounted() throws {
        var parser = SSEParser()
        let events = try parser.parse(Array(": keepalive\n:\ndata: x\n: more\n\n".utf8))
        #expect(events == [message("x")])
        #expect(parser.commentCount == 3)
    }

    @Test func oneLeadingSpaceIsStrippedFromValues() throws {
        #expect(try parse("data:x\n\ndata: x\n\ndata:  x\n\n") == [message("x"), message("x"), message(" x")])
    }

    @Test func lineWithoutColonIsFieldWithEmptyValue() throws {
        #expect(try parse("data\n\n") == [message("")])
        #expect(try parse("data\ndata\n\n") == [message("\n")])
    }

    @Test func onlyTheFirstColonSeparatesNameAndValue() throws {
        #expect(try parse("data: a: b:c\n\n") == [message("a: b:c")])
    }

    @Test func dataLinesJoinWithLineFeed() throws {
        #expect(try parse("data: one\ndata:\ndata: three\n\n") == [message("one\n\nthree")])
    }

    @Test func trailingEmptyDataLineKeepsItsLineFeed() throws {
        #expect(try parse("data: a\ndata:\n\n") == [message("a\n")])
    }

    @Test func eventFieldSetsTypeForOneEventOnly() throws {
        #expect(try parse("event: tool_call\ndata: x\n\ndata: y\n\n") == [message("x", type: "tool_call"), message("y")])
    }

    @Test func emptyEventTypeMeansMessage() throws {
        #expect(try parse("event:\ndata: x\n\nevent\ndata: y\n\n") == [message("x"), message("y")])
    }

    @Test func eventWithoutDataIsNotDispatchedAndItsTypeDoesNotLeak() throws {
        #expect(try parse("event: ping\n\ndata: x\n\n") == [message("x")])
    }

    @Test func blankLinesWithoutFieldsDispatchNothing() throws {
        #expect(try parse("\n\n\r\n\rdata: x\n\n\n\n") == [message("x")])
    }

    @Test func unknownFieldsAreIgnored() throws {
        #expect(try parse("foo: bar\ndata: x\nretries: 5\n\n") == [message("x")])
    }

    @Test func fieldNamesAreCaseSensitive() throws {
        #expect(try parse("Data: x\nEVENT: y\nID: 3\n\ndata: z\n\n") == [message("z")])
    }

    @Test func nulInDataIsKept() throws {
        #expect(try parse("data: a\u{0}b\n\n") == [message("a\u{0}b")])
    }
}

@Suite("Event IDs")
struct EventIdTests {
    @Test func idPersistsAcrossEvents() throws {
        #expect(try parse("id: 7\ndata: a\n\ndata: b\n\n") == [message("a", id: "7"), message("b", id: "7")])
    }

    @Test func emptyIdResetsTheLastEventId() throws {
        #expect(try parse("id: 7\ndata: a\n\nid\ndata: b\n\n") == [message("a", id: "7"), message("b", id: "")])
    }

    @Test func idContainingNulIsIgnored() throws {
        #expect(try parse("id: 1\ndata: a\n\nid: 2\u{0}x\ndata: b\n\n") == [message("a", id: "1"), message("b", id: "1")])
    }

    @Test func blockWithoutDataStillUpdatesLastEventId() throws {
        var parser = SSEParser()
        let events = try parser.parse(Array("id: 41\n\n".utf8))
        #expect(events.isEmpty)
        #expect(parser.lastEventId == "41")
    }

    @Test func idOfAnUnfinishedEventIsNotTheLastEventId() throws {
        // A client reconnecting after this cut must ask for what follows 1, not 2: event 2 never arrived.
        var parser = SSEParser()
        _ = try parser.parse(Array("id: 1\ndata: a\n\nid: 2\ndata: b".utf8))
        parser.finish()
        #expect(parser.lastEventId == "1")
    }

    @Test func idValueKeepsInnerAndExtraSpaces() throws {
        #expect(try parse("id:  a b \ndata: x\n\n") == [message("x", id: " a b ")])
    }
}

@Suite("Retry")
struct RetryTests {
    @Test func digitsSetTheReconnectionTime() throws {
        var parser = SSEParser()
        let events = try parser.parse(Array("retry: 2500\ndata: x\n\n".utf8))
        #expect(events == [message("x", retry: 2500)])
        #expect(parser.reconnectionTime == 2500)
    }

    @Test func zeroIsValid() throws {
        var parser = SSEParser()
        _ = try parser.parse(Array("retry: 0\n\n".utf8))
        #expect(parser.reconnectionTime == 0)
    }

    @Test func nonDigitsAreIgnored() throws {
        for value in ["1a", "-5", "+5", "1.5", " 5", "", "５"] {
            var parser = SSEParser()
            let events = try parser.parse(Array("retry: \(value)\ndata: x\n\n".utf8))
            #expect(parser.reconnectionTime == nil, "retry: \(value)")
            #expect(events == [message("x")])
        }
    }

    @Test func valueTooLargeForIntIsIgnored() throws {
        var parser = SSEParser()
        _ = try parser.parse(Array("retry: 100\nretry: 99999999999999999999999\n\n".utf8))
        #expect(parser.reconnectionTime == 100)
    }

    @Test func retryWithoutDataAppliesAndIsReportedOnTheNextEvent() throws {
        var parser = SSEParser()
        let events = try parser.parse(Array("retry: 10\n\ndata: x\n\ndata: y\n\n".utf8))
        #expect(parser.reconnectionTime == 10)
        #expect(events == [message("x", retry: 10), message("y")])
    }
}
