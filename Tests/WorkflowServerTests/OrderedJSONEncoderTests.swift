import Testing
@testable import WorkflowServer

@Suite("answers are JSON in declaration order")
struct OrderedJSONEncoderTests {
    struct Inner: Encodable {
        var zeta: Int
        var alpha: [Double]
    }

    struct Outer: Encodable {
        var type: String
        var loc: [String]
        var missing: String?
        var inner: Inner
        var flag: Bool
    }

    @Test func keysComeInDeclarationOrderAndNilOptionalsAreLeftOut() throws {
        let value = Outer(type: "t\"/é\n", loc: ["body", "messages"], missing: nil,
                          inner: Inner(zeta: -3, alpha: [1, 2.5, 1e20]), flag: true)
        let text = String(decoding: try OrderedJSONEncoder().encode(value), as: UTF8.self)
        #expect(text == #"{"type":"t\"/é\n","loc":["body","messages"],"inner":{"zeta":-3,"alpha":[1,2.5,1e+20]},"flag":true}"#)
    }

    @Test func aValueThatIsNotFiniteIsAnError() {
        #expect(throws: EncodingError.self) { try OrderedJSONEncoder().encode([Double.nan]) }
    }
}
