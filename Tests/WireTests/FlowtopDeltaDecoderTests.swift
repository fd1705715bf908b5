import Testing
import TestSupport
@testable import Wire
import WorkflowCore

/// The delta fast path must give exactly what the general (dictionary) path gives, or step aside.
@Suite("flowtop decoder fast path")
struct FlowtopDeltaDecoderTests {
    /// The general path's answer, as a value to compare.
    static func general(_ json: String) -> WorkflowEvent? {
        try? FlowtopWireDecoder.decodeInGeneral(json: json, fallbackSequence: 7, fallbackType: nil)
    }

    /// Checks one text: if the fast path answers, the general path agrees; returns whether the fast path answered.
    @discardableResult
    static func agrees(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let fast = FlowtopDeltaDecoder.decode(json: json, fallbackSequence: 7) else { return false }
        #expect(general(json) == fast, "\(json)", sourceLocation: sourceLocation)
        return true
    }

    static let texts = [
        " rain", "", " Seattle \"quoted\"\n\u{2028}世界 🌦", "tab\there \\ back/slash", "\u{0}\u{1F}", "é", "{\"loc",
    ]

    @Test func whatTheServerWritesTakesTheFastPathAndDecodesTheSame() {
        var kinds: [WorkflowEvent.Kind] = [.agentStarted(agent: "Researcher"), .agentStarted(agent: "")]
        for text in Self.texts {
            kinds += [
                .textDelta(agent: "Writer", messageId: "m1", text: text),
                .textDelta(agent: "", messageId: "", text: text),
                .reasoningDelta(agent: "Researcher", messageId: "r", text: text),
                .toolCallArgumentsDelta(agent: "Researcher", callId: "call_1", delta: text),
            ]
        }
        for (index, kind) in kinds.enumerated() {
            for timestamp in [0, 1_795_551_776.123456, 0.5] {
                let event = WorkflowEvent(sequence: index + 1, timestamp: timestamp, kind: kind)
                let json = FlowtopWireFormat.json(for: event)
                #expect(Self.agrees(json), "the fast path should take \(json)")
                #expect(FlowtopDeltaDecoder.decode(json: json, fallbackSequence: nil) == event)
            }
        }
    }

    @Test func unusualShapesEitherAgreeOrStepAside() {
        let cases = [
            // Reordered, spaced, without seq or ts: still fast, same answer.
            #" { "text" : "a" , "type" : "text" } "#,
            #"{"seq":3,"ts":2.5,"agent":"A","type":"text","text":"a","message_id":"m"}"#,
            // seq that is not a whole number, negative, huge, or written with an exponent.
            #"{"type":"text","text":"a","seq":2.5}"#, #"{"type":"text","text":"a","seq":-3}"#,
            #"{"type":"text","text":"a","seq":1e2}"#, #"{"type":"text","text":"a","seq":12345678901234567890}"#,
            // Repeated keys (the general path keeps the first), unknown keys, wrong JSON types.
            #"{"type":"text","text":"a","text":"b"}"#, #"{"type":"text","type":"done","text":"a"}"#,
            #"{"type":"text","text":"a","extra":1}"#, #"{"type":"text","text":5}"#, #"{"type":"text","text":"a","agent":null}"#,
            #"{"type":"text","text":"a","ts":"now"}"#, #"{"type":5,"text":"a"}"#, #"{"type":"text","text":"a","seq":null}"#,
            // Missing or misplaced fields for the type.
            #"{"type":"text"}"#, #"{"type":"reasoning","agent":"A","text":"a"}"#, #"{"type":"tool_call_arguments","agent":"A","delta":"x"}"#,
            #"{"type":"agent_started"}"#, #"{"type":"agent_started","agent":"A","text":"a"}"#,
            // Other types, escaped keys, nested values, not an object, broken JSON.
            #"{"type":"done","usage":{"input_tokens":1,"output_tokens":2},"duration_ms":1}"#, #"{"\u0074ype":"text","text":"a"}"#,
            #"{"type":"text","text":"a","agent":{"name":"A"}}"#, #"["text"]"#, #""text""#, "", "{", #"{"type":"text","text":"a"} x"#,
            #"{"type":"text","text":"a",}"#, #"{"type":"text","text":"a\x"}"#, #"{"type":"text","text":"\ud800"}"#,
            "{\"type\":\"text\",\"text\":\"raw\ttab\"}", #"{"type":"text","text":"\u00e9\ud83d\ude00"}"#,
        ]
        var fast = 0
        for json in cases where Self.agrees(json) { fast += 1 }
        // The plain ones did take the fast path; the rest were left to the general path or agreed with it.
        #expect(fast >= 4)
        #expect(FlowtopDeltaDecoder.decode(json: #"{"type":"text","text":"a","text":"b"}"#, fallbackSequence: nil) == nil)
        #expect(FlowtopDeltaDecoder.decode(json: #"{"type":"text","text":"a",}"#, fallbackSequence: nil) == nil)
    }

    @Test(arguments: 1...6)
    func randomTextsAgree(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let pool: [Character] = ["a", " ", "\"", "\\", "\n", "\t", "\u{0}", "é", "世", "😀", "/", "{", "}", ":", ","]
        let keys = [#""type":"text""#, #""type":"reasoning""#, #""type":"tool_call_arguments""#, #""type":"agent_started""#]
        for _ in 0..<300 {
            let text = String((0..<Int(random.next() % 12)).map { _ in pool[Int(random.next() % UInt64(pool.count))] })
            var members = [keys[Int(random.next() % UInt64(keys.count))], #""seq":\#(random.next() % 1000)"#]
            for (name, value) in [("agent", "Writer"), ("message_id", "m"), ("call_id", "c"), ("text", text), ("delta", text)]
            where random.next() % 3 != 0 {
                members.append("\"\(name)\":" + jsonQuoted(value))
            }
            members.shuffle(using: &random)
            Self.agrees("{" + members.joined(separator: random.next() % 2 == 0 ? "," : " ,\n ") + "}")
        }
    }
}
