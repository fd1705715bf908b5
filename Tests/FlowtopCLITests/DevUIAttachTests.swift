import Foundation
import LoopbackHTTP
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

    /// DevUI's routes: the entity list, research_writer's info (unless `withInfo` is false), and a run of
    /// research_writer (its recorded stream, in small chunks).
    static func devUI(status: Int? = nil, withInfo: Bool = true) throws -> LoopbackServer {
        let entities = String(decoding: try fixture("devui_entities.json"), as: UTF8.self)
        let info = String(decoding: try fixture("devui_entity_info_research_writer.json"), as: UTF8.self)
        let stream = try fixture("devui_research_writer.sse")
        let unauthorized = String(decoding: try fixture("devui_401_missing_token.json"), as: UTF8.self)
        return LoopbackServer { request in
            if status == 401 { return .json(status: 401, unauthorized) }
            switch (request.method, request.path) {
            case ("GET", "/v1/entities"): return .json(entities)
            case ("GET", "/v1/entities/research_writer/info") where withInfo: return .json(info)
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
        let post = try #require(server.requests.first { $0.method == "POST" })
        #expect(post.path == "/v1/responses")
        #expect(post.bodyText == #"{"input":"Seattle weather?","metadata":{"entity_id":"research_writer"},"stream":true}"#)
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
        let map = try await tmux.waitFor("the map") { $0.contains("Map · workflow") }
        // The last step (Researcher → Writer) is the lit, heavy edge.
        #expect(map.contains("✓ input-conversation ────▶ ✓ Researcher ━━━━▶ ✓ Writer"), "\(map)")
        try await tmux.type("q")
        // At 80 columns the command line wraps, so its own `EXIT=$?` starts a line too: wait for the status.
        let after = try await tmux.waitFor("the exit status after quitting") { $0.contains("EXIT=0") || $0.contains("EXIT=1") }
        #expect(after.contains("EXIT=0"))
    }
}
}
