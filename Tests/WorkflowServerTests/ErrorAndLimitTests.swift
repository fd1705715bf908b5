import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import Wire
import WorkflowCore
import WorkflowServer

@Suite("Errors, limits and the API key")
struct ErrorAndLimitTests {
    /// A model that would take about a minute per answer: anything that ends sooner was ended by the server.
    static let slow = ScriptedChatClient(pace: .init(tokensPerSecond: 4))

    @Test("a missing or empty message gets the sample's 400 byte for byte")
    func missingMessage() async throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/maf_workflow_stream_400_missing_message", withExtension: "json"))
        let expected = try String(contentsOf: url, encoding: .utf8)
        let harness = try await ServerHarness.start()
        for body in [#"{}"#, #"{"message":""}"#, #"{"message":"   "}"#, #"{"message":null}"#] {
            let answer = try await harness.send("/api/workflow/stream", body: body)
            #expect(answer.status == 400)
            #expect(answer.body == expected)
            #expect(answer.headers.first(name: "Content-Type") == "application/json")
        }
        try await harness.shutdown()
    }

    @Test("invalid JSON, wrong types and unknown formats get 400 with a reason")
    func badRequests() async throws {
        let harness = try await ServerHarness.start()
        let notJSON = try await harness.send("/api/workflow/stream", body: "{\"message\": ")
        #expect(notJSON.status == 400)
        #expect(notJSON.body.hasPrefix(#"{"error":"invalid JSON: "#))
        let array = try await harness.send("/api/workflow/stream", body: "[1]")
        #expect(array.status == 400)
        #expect(array.body == #"{"error":"the body must be a JSON object"}"#)
        let number = try await harness.send("/api/workflow/stream", body: #"{"message":42}"#)
        #expect(number.body == #"{"error":"'message' must be a string"}"#)
        let format = try await harness.send("/api/workflow/stream", body: #"{"message":"x","format":"xml"}"#)
        #expect(format.status == 400)
        #expect(format.body.contains("unknown format 'xml'"))
        try await harness.shutdown()
    }

    @Test("an unknown workflow gets 404 listing the known ones")
    func unknownWorkflow() async throws {
        let harness = try await ServerHarness.start()
        let answer = try await harness.send("/api/workflow/stream", body: #"{"message":"x","workflow":"nope"}"#)
        #expect(answer.status == 404)
        let known = PresetWorkflows.names.sorted().map { "\"\($0)\"" }.joined(separator: ",")
        #expect(answer.body == #"{"error":"unknown workflow 'nope'","known":["# + known + "]}")
        let named = try await harness.stream(#"{"message":"x","workflow":"group-chat"}"#)
        #expect(named.status == 200)
        try await harness.shutdown()
    }

    @Test("a body over the limit gets 413")
    func bodyTooLarge() async throws {
        let harness = try await ServerHarness.start { $0.maxBodyBytes = 1000 }
        let big = #"{"message":""# + String(repeating: "a", count: 5000) + #""}"#
        let answer = try await harness.send("/api/workflow/stream", body: big)
        #expect(answer.status == 413)
        #expect(answer.body.contains("limit of 1000 bytes"))
        let fits = try await harness.send("/api/workflow/stream", body: #"{"message":"small"}"#)
        #expect(fits.status == 200)
        try await harness.shutdown()
    }

    @Test("health answers without a key")
    func health() async throws {
        let harness = try await ServerHarness.start { $0.apiKey = "s3cret" }
        let answer = try await harness.send("/api/health", method: .GET)
        #expect(answer.status == 200)
        #expect(answer.body == #"{"status":"ok","active_runs":0}"#)
        try await harness.shutdown()
    }

    @Test("the API key is required and accepted as x-functions-key, ?code= and Authorization: Bearer")
    func apiKey() async throws {
        let harness = try await ServerHarness.start { $0.apiKey = "s3cret" }
        let body = #"{"message":"x"}"#
        let json = ("Content-Type", "application/json")
        let none = try await harness.send("/api/workflow/stream", body: body)
        #expect(none.status == 401)
        let wrong = try await harness.send("/api/workflow/stream", body: body, headers: [json, ("x-functions-key", "s3cre")])
        #expect(wrong.status == 401)
        let wrongBearer = try await harness.send("/api/runs", method: .GET, headers: [("Authorization", "Bearer nope")])
        #expect(wrongBearer.status == 401)
        let header = try await harness.send("/api/workflow/stream", body: body, headers: [json, ("x-functions-key", "s3cret")])
        #expect(header.status == 200)
        #expect(sampleClientText(header.body).count > 0)
        let code = try await harness.send("/api/workflow/stream?code=s3cret", body: body)
        #expect(code.status == 200)
        let bearer = try await harness.send("/api/runs", method: .GET, headers: [("Authorization", "Bearer s3cret")])
        #expect(bearer.status == 200)
        try await harness.shutdown()
    }

    @Test("beyond the concurrent-run limit a new run gets 429 with Retry-After")
    func tooManyRuns() async throws {
        let harness = try await ServerHarness.start({ $0.maxConcurrentRuns = 1; $0.retryAfterSeconds = 7 }, client: Self.slow)
        // The first run holds the only slot while its stream is open.
        let first = try await HTTPClient.shared.execute(harness.request("/api/workflow/stream", body: #"{"message":"x"}"#), timeout: .seconds(60))
        #expect(first.status == .ok)
        let second = try await harness.send("/api/workflow/stream", body: #"{"message":"y"}"#)
        #expect(second.status == 429)
        #expect(second.headers.first(name: "Retry-After") == "7")
        #expect(second.body.contains("too many concurrent runs"))
        harness.server.registry.stopAll(reason: "test over")
        _ = try await first.body.collect(upTo: 1 << 20)
        try await harness.shutdown()
    }

    @Test("a run over the time limit ends with a cancelled event that says why")
    func runTimeout() async throws {
        let harness = try await ServerHarness.start({ $0.runTimeout = .milliseconds(300) }, client: Self.slow)
        let clock = ContinuousClock()
        let start = clock.now
        let answer = try await harness.stream(#"{"message":"x"}"#)
        #expect(clock.now - start < .seconds(20))
        let last = try #require(try answer.events.last)
        #expect(last.type == "cancelled")
        let event = try FlowtopWireDecoder.decode(last)
        #expect(event.kind == .runCancelled(reason: "the run timed out after 0.3 s"))
        try await harness.shutdown()
    }

    @Test("a model failure mid-run becomes an error event, not a cut connection")
    func modelFailure() async throws {
        let harness = try await ServerHarness.start(client: ScriptedChatClient(pace: .instant, faults: .init(dropStreamAfterTokens: 3)))
        let answer = try await harness.stream(#"{"message":"x"}"#)
        #expect(answer.status == 200)
        let events = try answer.events
        #expect(events.last?.type == "error")
        #expect(events.contains { $0.type == "message" })
        let agui = try await harness.stream(#"{"message":"x","format":"agui"}"#)
        #expect(try agui.events.last.map { try JSONValue(parsing: $0.data)["type"]?.stringValue } == "RUN_ERROR")
        try await harness.shutdown()
    }
}
