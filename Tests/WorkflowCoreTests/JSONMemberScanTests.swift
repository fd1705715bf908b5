import Testing
@testable import WorkflowCore

@Suite("JSON member scan")
struct JSONMemberScanTests {
    /// Values that the scan skips must be accepted or refused exactly as `JSONValue(parsing:)` would.
    static let values = [
        "1", "-2.5", "3e2", "-0", "0", "0.125E-3", "123456789012345", "1234567890123456", "12345678901234567890",
        "true", "false", "null", "{}", "[]", #"[1,[2,{"a":"b"}],"c"]"#, #""plain""#, #""esc\"aped \u00e9""#,
        #"{"nested":{"deeper":[true,null]}}"#,
        "01", "1.", ".5", "+1", "-", "1e", "1e400", "tru", "[1,]", #"{"a":1,}"#, "\"tab\there\"", #""\x""#,
        #""\ud800""#, "[", #"{"a" 1}"#, "NaN",
    ]

    @Test(arguments: values)
    func aSkippedValueIsAcceptedExactlyWhenTheParserAcceptsIt(value: String) {
        let text = #"{"skipped":\#(value),"kept":"yes"}"#
        var kept: String?
        let read = JSONMembers.scan(text) { key, member in
            if key.spells("kept") { kept = member.string() }
            return true
        }
        let parsed = JSONValueReader.parse(text)
        #expect(read == (parsed != nil))
        if read { #expect(kept == "yes") }
    }

    @Test func onlyTheMembersAskedForAreBuiltAndANestedOneIsPickedFromItsObject() {
        let text = #"{"delta":" rain","logprobs":[],"sequence_number":7,"metadata":{"kind":"x","executor_id":"Writer"}}"#
        var delta: String?
        var executor: String?
        let read = JSONMembers.scan(text) { key, member in
            if key.spells("delta") { delta = member.string() }
            if key.spells("metadata") {
                return member.members { key, inner in
                    if key.spells("executor_id") { executor = inner.string() }
                    return true
                }
            }
            return true
        }
        #expect(read)
        #expect(delta == " rain")
        #expect(executor == "Writer")
    }

    @Test func aPlainStringIsGivenAsItsBytesAndAnEscapedOneIsLeftToBeReadAnotherWay() {
        var plain: String?
        var escaped: String?
        let read = JSONMembers.scan(#"{"a":"TEXT","b":"line\nbreak"}"#) { key, member in
            if key.spells("a") { plain = member.plainString().map { String(decoding: $0, as: UTF8.self) } }
            if key.spells("b") {
                #expect(member.plainString() == nil)
                escaped = member.string()
            }
            return true
        }
        #expect(read)
        #expect(plain == "TEXT")
        #expect(escaped == "line\nbreak")
    }

    @Test func aMemberThatStopsTheScanMakesItFail() {
        var seen: [String] = []
        let read = JSONMembers.scan(#"{"type":"other","delta":"x"}"#) { key, _ in
            seen.append(String(decoding: key, as: UTF8.self))
            return false
        }
        #expect(!read)
        #expect(seen == ["type"])
    }

    @Test func anInvalidValueThatIsReadFailsTheScan() {
        #expect(!JSONMembers.scan(#"{"a":[1,}"#) { _, member in member.json() != nil || true })
        #expect(!JSONMembers.scan(#"{"a":1} trailing"#) { _, _ in true })
    }
}
