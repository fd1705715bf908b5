import Foundation
import LoopbackHTTP
import Synchronization
import Testing

extension FlowtopBinaryTests {
/// `flowtop attach` to a DevUI server, here a loopback server answering with what Agent Framework's DevUI really
/// answered (Fixtures, recorded from agent-framework-devui 1.0.0b261022).
@Suite("flowtop attach to DevUI")
struct DevUIAttachTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    /// DevUI's routes: the entity list, research_writer's info (unless `withInfo` is false), a conversation (unless
    /// `withConversations` is false), and a run of research_writer (its recorded stream, in small chunks).
    static func devUI(status: Int? = nil, withInfo: Bool = true, withConversations: Bool = true) throws -> LoopbackServer {
        let entities = String(decoding: try fixture("devui_entities.json"), as: UTF8.self)
        let info = String(decoding: try fixture("devui_entity_info_research_writer.json"), as: UTF8.self)
        let conversation = String(decoding: try fixture("devui_conversation_create_review.json"), as: UTF8.self)
        let stream = try fixture("devui_research_writer.sse")
        let unauthorized = String(decoding: try fixture("devui_401_missing_token.json"), as: UTF8.self)
        return LoopbackServer { request in
            if status == 401 { return .json(status: 401, unauthorized) }
            switch (request.method, request.path) {
            case ("GET", "/v1/entities"): return .json(entities)
            case ("GET", "/v1/entities/research_writer/info") where withInfo: return .json(info)
            case ("POST", "/v1/conversations") where withConversations: return .json(conversation)
            case ("POST", "/v1/responses"): return .eventStream(ScriptedResponse.chunks(of: stream, size: 173))
            default: return .json(status: 404, #"{"error":{"message":"Not Found"}}"#)
            }
        }
    }

    @Test func anEntityRunsFromTheBaseURLWithEachExecutorTheToolCallAndItsResult() async throws {
        let server = try Self.devUI()
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run([
            "attach", server.baseURL, "--entity", "research_writer", "--message", "Seattle weather?", "--plain",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("[Researcher]"))
        #expect(result.stdout.contains("[Writer]"))
        #expect(result.stdout.contains(#"⚙ get_weather({ "location": "Seattle, WA, USA " })"#))
        #expect(result.stdout.contains("Weather in Seattle, WA, USA : sunny, 21°C"))
        #expect(result.stdout.contains("✔ completed"))
        let posts = server.requests.filter { $0.method == "POST" }
        #expect(posts.map(\.path) == ["/v1/conversations", "/v1/responses"])
        #expect(posts.first?.bodyText == #"{"metadata":{"entity_id":"research_writer","type":"workflow_session"}}"#)
        #expect(posts.last?.bodyText == #"{"conversation":"conv_4042dec6bacd4b43a70165cdf7e18b76","input":"Seattle weather?","metadata":{"entity_id":"research_writer"},"stream":true}"#)
    }

    @Test func aDevUIWithoutConversationsIsAWarningAndTheRunGoesOnOutsideOne() async throws {
        let server = try Self.devUI(withConversations: false)
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run([
            "attach", server.baseURL, "--entity", "research_writer", "--message", "Seattle weather?", "--plain",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("flowtop: warning: cannot start a DevUI conversation"))
        #expect(result.stderr.contains("research_writer's requests for a person cannot be answered from here"))
        #expect(result.stdout.contains("✔ completed"))
        let run = try #require(server.requests.last)
        #expect(run.bodyText == #"{"input":"Seattle weather?","metadata":{"entity_id":"research_writer"},"stream":true}"#)
    }

    /// DevUI serving approval_flow: its conversation, the first response (which stops for an approval), then the
    /// follow-ups in `followUps` order (the last past the end).
    static func approvalDevUI(followUps: [String] = ["devui_approval_approve_followup.sse"]) throws -> LoopbackServer {
        let entities = String(decoding: try fixture("devui_entities.json"), as: UTF8.self)
        let conversation = String(decoding: try fixture("devui_conversation_create_approve.json"), as: UTF8.self)
        let info = String(decoding: try fixture("devui_entity_info_approval_flow.json"), as: UTF8.self)
        let streams = try (["devui_approval_flow.sse"] + followUps).map { try fixture($0) }
        let posted = Mutex(0)
        return LoopbackServer { request in
            switch (request.method, request.path) {
            case ("GET", "/v1/entities"): return .json(entities)
            case ("GET", "/v1/entities/approval_flow/info"): return .json(info)
            case ("POST", "/v1/conversations"): return .json(conversation)
            case ("POST", "/v1/responses"):
                let index = posted.withLock { count in
                    defer { count += 1 }
                    return min(count, streams.count - 1)
                }
                return .eventStream(ScriptedResponse.chunks(of: streams[index], size: 173))
            default: return .json(status: 404, #"{"error":{"message":"Not Found"}}"#)
            }
        }
    }

    @Test func withPlainARunThatStopsForAPersonFailsSayingWhatItWaitsOn() async throws {
        let server = try Self.approvalDevUI()
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run([
            "attach", server.baseURL, "--entity", "approval_flow", "--message", "Book a table for two at Luigi's tonight.", "--plain",
        ])
        #expect(result.status != 0)
        #expect(result.stdout.contains("book_table"), "\(result.stdout)")
        #expect(result.stdout.contains("approval_flow's book_table call needs approval"), "\(result.stdout)")
        #expect(result.stdout.contains("attach answers DevUI's requests from its dashboard"))
        #expect(server.requests.filter { $0.path == "/v1/responses" }.count == 1)
    }

    @Test func inTmuxYApprovesADevUICallAndTheFollowUpContinuesInTheSamePane() async throws {
        try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
        let server = try Self.approvalDevUI()
        try await server.start()
        defer { Task { await server.shutdown() } }
        let tmux = try await Tmux(width: 100, height: 30)
        defer { tmux.kill() }
        try await tmux.run("\(FlowtopBinary.url.path) attach \(server.baseURL) --entity approval_flow --message 'Book a table for two at Luigi'\\''s tonight.'; echo EXIT=$?")
        // The prompt opens as the request arrives; the header says what the run waits for once its response ended.
        let asked = try await tmux.waitFor("the approval prompt while nothing is open") {
            $0.contains("y approve · n reject") && $0.contains("DevUI waits for an approval")
        }
        #expect(asked.contains("approval_flow wants to call book_table"))
        #expect(!asked.contains("warning"))
        try await tmux.type("y")
        let done = try await tmux.waitFor("the run to complete") { $0.contains("✓ completed") }
        #expect(done.contains("✔ approved by dashboard"))
        #expect(done.contains("Booked a table for two"))
        #expect(!done.contains("Approval"))
        try await tmux.type("q")
        let after = try await tmux.waitFor("the exit status after quitting") { Tmux.exitLine(in: $0) != nil }
        #expect(Tmux.exitLine(in: after) == "EXIT=0")
        let followUp = try #require(server.requests.last)
        #expect(followUp.bodyText.contains(#""approved":true,"request_id":"af-call-d3c9a2ae37d243e5b43b881db2ca7cd5""#))
    }

    @Test func inTmuxAnAnswerDevUIRefusesIsAskedAgainWithItsReason() async throws {
        try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
        let server = try Self.approvalDevUI(followUps: ["devui_approval_unknown_request_id.sse", "devui_approval_approve_followup.sse"])
        try await server.start()
        defer { Task { await server.shutdown() } }
        let tmux = try await Tmux(width: 100, height: 30)
        defer { tmux.kill() }
        try await tmux.run("\(FlowtopBinary.url.path) attach \(server.baseURL) --entity approval_flow --message 'Book a table'; echo EXIT=$?")
        try await tmux.waitFor("the approval prompt") { $0.contains("y approve · n reject") }
        try await tmux.type("y")
        let refused = try await tmux.waitFor("the refusal in the prompt") { $0.contains("✘ DevUI did not take the answer") }
        #expect(refused.contains("y approve · n reject"))
        #expect(!refused.contains("failed"))
        try await tmux.type("y")
        let done = try await tmux.waitFor("the run to complete") { $0.contains("✓ completed") }
        #expect(done.contains("✔ approved by dashboard"))
        try await tmux.type("q")
        try await tmux.waitFor("the shell prompt") { Tmux.exitLine(in: $0) != nil }
    }

    @Test func theEntitysStructureFromItsInfoRidesOnTheRunsFirstEvent() async throws {
        let server = try Self.devUI()
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run([
            "attach", server.baseURL, "--entity", "research_writer", "--message", "Seattle weather?", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let first = try #require(result.stdout.split(separator: "\n").first)
        #expect(first.contains(#""type":"workflow_started""#))
        #expect(first.contains(#""graph":{"kind":"workflow","start":"input-conversation","nodes":[{"id":"input-conversation","kind":"input"},{"id":"Researcher","kind":"agent"},{"id":"Writer","kind":"agent"}],"edges":[{"from":"input-conversation","to":"Researcher","kind":"sequence"},{"from":"Researcher","to":"Writer","kind":"sequence"}]}"#))
        #expect(!result.stderr.contains("warning"))
        #expect(server.requests.map(\.path).prefix(2) == ["/v1/entities", "/v1/entities/research_writer/info"])
    }

    @Test func anInfoThatCannotBeReadIsAWarningAndTheRunGoesOn() async throws {
        let server = try Self.devUI(withInfo: false)
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run([
            "attach", server.baseURL, "--entity", "research_writer", "--message", "Seattle weather?", "--plain",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("flowtop: warning: cannot read research_writer's structure for the map"))
        #expect(result.stderr.contains("/v1/entities/research_writer/info answered 404"))
        #expect(result.stdout.contains("[Writer]"))
        #expect(result.stdout.contains("✔ completed"))
    }

    @Test func withoutAnEntityAndNoTerminalItFailsListingWhatDevUIServes() async throws {
        let server = try Self.devUI()
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run(["attach", server.baseURL + "/v1/responses", "--message", "Hi", "--plain"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("choose what to run with --entity"))
        #expect(result.stderr.contains("research_writer (workflow \"Research Writer\")"))
        #expect(result.stderr.contains("approval_flow (agent \"Approval Flow\")"))
        #expect(!server.requests.contains { $0.method == "POST" })
    }

    @Test func anUnknownEntityListsTheKnownOnes() async throws {
        let server = try Self.devUI()
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run(["attach", server.baseURL, "--entity", "nope", "--message", "Hi", "--plain"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("DevUI has no entity 'nope'; it serves: review_flow"))
    }

    @Test func a401SaysDevUIWantsItsTokenAndNeverPrintsTheOneGiven() async throws {
        let server = try Self.devUI(status: 401)
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run([
            "attach", server.baseURL, "--entity", "research_writer", "--message", "Hi", "--plain", "--api-key", "tok-wrong-1234",
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("DevUI requires a token: pass --api-key (DevUI prints it at start-up)"))
        #expect(!result.stderr.contains("tok-wrong-1234") && !result.stdout.contains("tok-wrong-1234"))
        #expect(server.requests.first?.header("authorization") == "Bearer tok-wrong-1234")
    }

    @Test func inTmuxTheMapShowsDevUIsExecutorsAndTheirEdges() async throws {
        try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
        let server = try Self.devUI()
        try await server.start()
        defer { Task { await server.shutdown() } }
        let tmux = try await Tmux(width: 80, height: 24)
        defer { tmux.kill() }
        try await tmux.run("\(FlowtopBinary.url.path) attach \(server.baseURL) --entity research_writer --message 'Seattle weather?'; echo EXIT=$?")
        try await tmux.waitFor("the run to complete") { $0.contains("✓ completed") }
        try await tmux.type("m")
        // The last step (Researcher → Writer) is the lit, heavy edge. Waited for as a whole: a capture can catch
        // the frame half drawn, its title already there and the graph not yet (seen once on a busy CI run).
        let edges = "✓ input-conversation ────▶ ✓ Researcher ━━━━▶ ✓ Writer"
        let map = try await tmux.waitFor("the map with its lit last step") { $0.contains("Map · workflow") && $0.contains(edges) }
        #expect(map.contains(edges), "\(map)")
        try await tmux.type("q")
        // At 80 columns the command line wraps, so its own `EXIT=$?` starts a line too: wait for the status.
        let after = try await tmux.waitFor("the exit status after quitting") { $0.contains("EXIT=0") || $0.contains("EXIT=1") }
        #expect(after.contains("EXIT=0"))
    }
}
}
