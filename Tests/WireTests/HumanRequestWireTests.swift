import EventStream
import Testing
import Wire
import WorkflowCore

@Suite("Requests for a person on the wire")
struct HumanRequestWireTests {
    static let kinds: [WorkflowEvent.Kind] = [
        .approvalRequested(.init(
            requestId: "req_1", agent: "Researcher", callId: "call_1", tool: "send_report",
            arguments: #"{"to":"team@example.com","summary":"Lisbon: 18°C \"sunny\""}"#)),
        .approvalResolved(.init(
            requestId: "req_1", agent: "Researcher", callId: "call_1", tool: "send_report",
            decision: ApprovalDecision(approved: false, reason: "not before Monday", answeredBy: "dashboard"))),
        .approvalResolved(.init(
            requestId: "req_2", agent: "R", callId: "c", tool: "t", decision: ApprovalDecision(approved: true))),
        .inputRequested(.init(
            requestId: "req_3", agent: "Editor", question: "Which tone?",
            schema: ["type": "string", "enum": ["cheerful", "formal"]])),
        .inputRequested(.init(requestId: "req_4", agent: "Editor", question: "Anything else?")),
        .inputProvided(.init(requestId: "req_3", agent: "Editor", answer: InputAnswer(text: "formal", answeredBy: "terminal"))),
        .inputProvided(.init(requestId: "req_4", agent: "Editor", answer: InputAnswer(text: ""))),
    ]

    @Test func everyRequestEventRoundTripsThroughFlowtopsWire() throws {
        for (index, kind) in Self.kinds.enumerated() {
            let event = WorkflowEvent(sequence: index + 1, timestamp: 1_800_000_000.5, kind: kind)
            let decoded = try FlowtopWireDecoder.decode(FlowtopWireFormat.sseEvent(for: event))
            #expect(decoded == event)
        }
    }

    @Test func anApprovalRequestIsWrittenWithItsFieldsInOrder() {
        let event = WorkflowEvent(sequence: 7, timestamp: 2, kind: Self.kinds[0])
        #expect(FlowtopWireFormat.json(for: event)
            == #"{"type":"approval_requested","request_id":"req_1","agent":"Researcher","call_id":"call_1","tool":"send_report","arguments":"{\"to\":\"team@example.com\",\"summary\":\"Lisbon: 18°C \\\"sunny\\\"\"}","seq":7,"ts":2}"#)
        #expect(FlowtopWireFormat.sseEvent(for: event).type == "approval_requested")
    }

    @Test func aResolutionWithoutItsDecisionIsRefused() {
        #expect(throws: FlowtopWireDecoder.DecodingError.self) {
            try FlowtopWireDecoder.decode(json: #"{"type":"approval_resolved","request_id":"r","agent":"A","seq":1,"ts":0}"#)
        }
    }

    @Test func aguiCarriesRequestsAsCustomEventsThatDecodeBack() throws {
        var encoder = AGUIEventEncoder()
        var decoder = AGUIStreamDecoder()
        var decoded: [WorkflowEvent.Kind] = []
        let start = WorkflowEvent(sequence: 1, timestamp: 0, kind: .runStarted(.init(runId: "run_1", workflow: "w", participants: [])))
        for (index, kind) in ([start.kind] + Self.kinds).enumerated() {
            for json in encoder.encode(WorkflowEvent(sequence: index + 1, timestamp: 0, kind: kind)) {
                decoded += decoder.decode(SSEEvent(data: json), at: 0).map(\.kind)
            }
        }
        let requests = decoded.filter {
            switch $0 {
            case .approvalRequested, .approvalResolved, .inputRequested, .inputProvided: true
            default: false
            }
        }
        #expect(requests == Self.kinds)
    }

    @Test func aguiNamesTheRequestsCustomEvents() {
        var encoder = AGUIEventEncoder()
        let lines = encoder.encode(WorkflowEvent(sequence: 1, timestamp: 0, kind: Self.kinds[3]))
        // flowtop's own event first (older attach clients read it), then Agent Framework's (`AGUIHumanLoopTests`).
        #expect(lines.first == #"{"type":"CUSTOM","name":"input_requested","value":{"requestId":"req_3","agent":"Editor","question":"Which tone?","schema":{"enum":["cheerful","formal"],"type":"string"}}}"#)
        #expect(lines.dropFirst().first?.contains(#""toolCallName":"request_info""#) == true)
    }
}
