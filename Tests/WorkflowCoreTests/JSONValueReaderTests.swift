import Foundation
import Testing
@testable import WorkflowCore

@Suite("JSON reader")
struct JSONValueReaderTests {
    func foundation(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test(arguments: [
        #"{"type":"text","agent":"Writer","message_id":"m","text":" rain\n","seq":12,"ts":1795560042.487176}"#,
        #"{"a":[1,-2.5,3e2,-0,0.125E-3,true,false,null,{}],"b":{"c":[]},"d":"\u00e9\ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"}"#,
        #"  [ "x" , 1 ]  "#, #""plain""#, "42", "-1.5e+10", "true", "null", #"{"dup":1,"dup":2}"#,
        #"{"text":"line\u2028sep 世界"}"#, #"{"big":12345678901234567890}"#,
        "[0,-0,7,-7,123456789012345,-123456789012345,1234567890123456,0.5,-0.0]",
    ])
    func acceptsWhatFoundationAcceptsWithTheSameValue(text: String) throws {
        let value = try #require(JSONValueReader.parse(text))
        #expect(value == foundation(text))
    }

    @Test(arguments: [
        "", "{", "[1,]", #"{"a":1,}"#, "01", "1.", ".5", "+1", "-", "1e", "tru", "nul", #"{"a" 1}"#, #"{'a':1}"#,
        "\"tab\there\"", #""\x""#, #""\ud800""#, #""\udc00x""#, #""\u12""#, "[1] x", "{} {}", "NaN", "1e400",
    ])
    func rejectsInvalidJSON(text: String) {
        #expect(JSONValueReader.parse(text) == nil)
    }

    @Test func errorsStillComeFromFoundation() {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: "{oops") }
        #expect((try? JSONValue(parsing: #"{"a":[1,2]}"#)) == .object(["a": .array([.number(1), .number(2)])]))
    }

    @Test func invalidUTF8IsRejected() {
        let text = String(decoding: [0x22, 0xC3, 0x28, 0x22], as: UTF8.self)  // repaired to U+FFFD by String itself
        #expect(JSONValueReader.parse(text) == foundation(text))
    }
}
